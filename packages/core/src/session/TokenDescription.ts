import type { JwtPayload } from '../jwt/decodeJwt.js';

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
  /** The JWT's payload, which the session reads the profile claims from (JWT only). */
  claims?: JwtPayload;
}
