import type { JwtPayload } from './decodeJwt.js';

/**
 * The OpenID Connect standard claims about the user (OpenID Connect Core 1.0 §5.1) an ID token
 * carried, for display: never a token, a nonce or a session id. Absent claims are absent.
 */
export interface SessionProfile {
  readonly name?: string;
  readonly given_name?: string;
  readonly family_name?: string;
  readonly middle_name?: string;
  readonly nickname?: string;
  readonly preferred_username?: string;
  /** URL of the user's profile page. */
  readonly profile?: string;
  /** URL of the user's picture. */
  readonly picture?: string;
  readonly website?: string;
  readonly email?: string;
  readonly email_verified?: boolean;
  readonly gender?: string;
  readonly birthdate?: string;
  readonly zoneinfo?: string;
  readonly locale?: string;
  readonly phone_number?: string;
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
