import type { TokenDescription } from '../session/TokenDescription.js';
import type { IdpTokenKind } from '../session/IdpTokenKind.js';
import { decodeJwt, type JwtPayload } from './decodeJwt.js';

/** An OpenID Connect ID token (or OAuth access token) in `WebIdentityToken`. @internal */
export const jwtTokenKind: IdpTokenKind = {
  param: 'WebIdentityToken',
  describe(token) {
    let payload: JwtPayload;
    try {
      payload = decodeJwt(token).payload;
    } catch {
      return {};
    }
    const description: TokenDescription = {};
    if (typeof payload.exp === 'number') description.expiresAtMs = payload.exp * 1000;
    if (typeof payload.iat === 'number') description.issuedAtMs = payload.iat * 1000;
    if (typeof payload.sub === 'string') description.subject = payload.sub;
    if (typeof payload.iss === 'string') description.issuer = payload.iss;
    const audience = Array.isArray(payload.aud) ? payload.aud[0] : payload.aud;
    if (typeof audience === 'string') description.audience = audience;
    description.claims = payload;
    return description;
  },
};
