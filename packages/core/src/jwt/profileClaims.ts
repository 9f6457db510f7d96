import type { JwtPayload } from './decodeJwt.js';

/**
 * The OpenID Connect standard claims about the user (OpenID Connect Core 1.0 §5.1) an ID token
 * carried, for display: never a token, a nonce or a session id. Absent claims are absent.
 */
export interface SessionProfile {
  /** Full name, for display. */
  readonly name?: string;
  /** Given (first) name. */
  readonly given_name?: string;
  /** Family (last) name. */
  readonly family_name?: string;
  /** Middle name. */
  readonly middle_name?: string;
  /** Casual name. */
  readonly nickname?: string;
  /** The name the user likes to be called by (not unique, not an id). */
  readonly preferred_username?: string;
  /** URL of the user's profile page. */
  readonly profile?: string;
  /** URL of the user's picture. */
  readonly picture?: string;
  /** URL of the user's web page or blog. */
  readonly website?: string;
  /** E-mail address (unverified unless `email_verified`). */
  readonly email?: string;
  /** Whether the IdP verified `email`. */
  readonly email_verified?: boolean;
  /** Gender, as the IdP states it. */
  readonly gender?: string;
  /** Birthday, `YYYY-MM-DD` (or `YYYY`). */
  readonly birthdate?: string;
  /** Time zone, an IANA name such as `Europe/Paris`. */
  readonly zoneinfo?: string;
  /** Locale, a BCP 47 tag such as `en-GB`. */
  readonly locale?: string;
  /** Phone number (unverified unless `phone_number_verified`). */
  readonly phone_number?: string;
  /** Whether the IdP verified `phone_number`. */
  readonly phone_number_verified?: boolean;
  /** When the user's information was last updated, epoch seconds. */
  readonly updated_at?: number;
}

const STRING_CLAIMS = [
  'name',
  'given_name',
  'family_name',
  'middle_name',
  'nickname',
  'preferred_username',
  'profile',
  'picture',
  'website',
  'email',
  'gender',
  'birthdate',
  'zoneinfo',
  'locale',
  'phone_number',
] as const;
const BOOLEAN_CLAIMS = ['email_verified', 'phone_number_verified'] as const;
/** Longest claim value kept, in characters: a display value, not a payload. */
const MAX_CLAIM_LENGTH = 2048;

/**
 * The {@link SessionProfile} claims of a decoded token's payload — only those of the right type
 * and a sane length — frozen; `undefined` when it has none (a SAML assertion's description, an
 * access token without profile claims).
 */
export function profileClaims(payload: JwtPayload): SessionProfile | undefined {
  const profile: Record<string, string | boolean | number> = {};
  for (const claim of STRING_CLAIMS) {
    const value = payload[claim];
    if (typeof value === 'string' && value.length > 0 && value.length <= MAX_CLAIM_LENGTH) {
      profile[claim] = value;
    }
  }
  for (const claim of BOOLEAN_CLAIMS) {
    const value = payload[claim];
    if (typeof value === 'boolean') profile[claim] = value;
  }
  const updatedAt = payload['updated_at'];
  if (typeof updatedAt === 'number' && Number.isFinite(updatedAt))
    profile['updated_at'] = updatedAt;
  return Object.keys(profile).length === 0 ? undefined : Object.freeze(profile);
}
