import { decodeJwt } from '../jwt/decodeJwt.js';
import { profileClaims, type SessionProfile } from '../jwt/profileClaims.js';
import { parseSamlAttributes } from '../saml/parseSamlAttributes.js';

/** What a session reads from an IdP token, without verifying it. Times are the IdP's clock. */
export interface TokenDescription {
  /** When the token stops being accepted (JWT `exp`, SAML `NotOnOrAfter`), epoch milliseconds. */
  expiresAtMs?: number;
  /** When it was issued (JWT `iat`), epoch milliseconds. */
  issuedAtMs?: number;
  /** Lifetime the IdP allows the AWS session (SAML `SessionDuration`), in milliseconds. */
  sessionDurationMs?: number;
  subject?: string;
  issuer?: string;
  audience?: string;
  /** The OpenID Connect profile claims (JWT only). */
  profile?: SessionProfile;
}

/**
 * Reads expiry and identity claims from an OpenID Connect token (`kind: 'jwt'`) or a base64 SAML
 * response (`kind: 'saml'`). A token that cannot be read (an opaque OAuth access token) yields an
 * empty description: the session then relies on STS to judge it.
 */
export function describeToken(token: string, kind: 'jwt' | 'saml'): TokenDescription {
  try {
    return kind === 'jwt' ? describeJwt(token) : describeSaml(token);
  } catch {
    return {};
  }
}

function describeJwt(token: string): TokenDescription {
  const { payload } = decodeJwt(token);
  const description: TokenDescription = {};
  if (typeof payload.exp === 'number') description.expiresAtMs = payload.exp * 1000;
  if (typeof payload.iat === 'number') description.issuedAtMs = payload.iat * 1000;
  if (typeof payload.sub === 'string') description.subject = payload.sub;
  if (typeof payload.iss === 'string') description.issuer = payload.iss;
  const audience = Array.isArray(payload.aud) ? payload.aud[0] : payload.aud;
  if (typeof audience === 'string') description.audience = audience;
  const profile = profileClaims(payload);
  if (profile) description.profile = profile;
  return description;
}

function describeSaml(token: string): TokenDescription {
  const attributes = parseSamlAttributes(token);
  const description: TokenDescription = {};
  if (attributes.notOnOrAfter) description.expiresAtMs = attributes.notOnOrAfter.getTime();
  if (attributes.sessionDurationSeconds !== undefined) {
    description.sessionDurationMs = attributes.sessionDurationSeconds * 1000;
  }
  if (attributes.nameId) description.subject = attributes.nameId;
  return description;
}
