import { User, type UserManager } from 'oidc-client-ts';
import { InvalidParameterError } from '../errors.js';
import { decodeJwt } from '../jwt/decodeJwt.js';
import type { TokenSourceUser } from '../tokenSources/TokenSource.js';

/** Marks a value `exportUser` made, so nothing else is mistaken for a hand-off. */
const HANDOFF_KIND = 'fedcreds.oidc-user';
const HANDOFF_VERSION = 1;
/** Longest token (or other string field) a hand-off may carry, in characters: JWTs are far shorter. */
const MAX_FIELD_LENGTH = 16_384;

/** The stored fields of an oidc-client-ts `User`: what `User.toStorageString()` writes. */
interface UserFields {
  id_token?: string;
  session_state: string | null;
  access_token: string;
  refresh_token?: string;
  token_type: string;
  scope?: string;
  profile: User['profile'];
  expires_at?: number;
}

/** What an OIDC token source's `exportHandoff()` hands to another tab (structured-cloneable). Secret. */
export interface OidcHandoff {
  /** Marks the value as an OIDC user hand-off, so nothing else is mistaken for one. */
  readonly kind: typeof HANDOFF_KIND;
  /** Format version; a hand-off of another version is refused. */
  readonly version: typeof HANDOFF_VERSION;
  /** The IdP user's fields, refresh token included: never written to shared storage. */
  readonly user: UserFields;
}

/**
 * Who `user` is: its ID token's `iss` (else the authority) and `sub`, and when its current ID
 * token was issued (`iat`, read from the token itself: the profile keeps the first one's).
 */
export function describeOidcUser(user: User, authority: string): TokenSourceUser {
  const issuer = typeof user.profile.iss === 'string' ? user.profile.iss : authority;
  let iat: unknown = user.profile.iat;
  try {
    if (user.id_token) iat = decodeJwt(user.id_token).payload.iat;
  } catch {
    // Kept from the profile: an unreadable ID token is the IdP's business, not the group's.
  }
  return {
    issuer,
    subject: user.profile.sub,
    ...(typeof iat === 'number' && Number.isFinite(iat) && { issuedAtMs: iat * 1000 }),
  };
}

/** The stored user as a hand-off, or `null` when none is stored. */
export async function exportUser(userManager: UserManager): Promise<OidcHandoff | null> {
  const user = await userManager.getUser();
  if (!user) return null;
  const fields = JSON.parse(user.toStorageString()) as UserFields;
  return { kind: HANDOFF_KIND, version: HANDOFF_VERSION, user: fields };
}

/**
 * Checks a hand-off from another tab and turns it into a `User` — before anything is stored, so
 * a malformed value, one for another client, or one for another user than `current` changes
 * nothing.
 *
 * @throws {@link InvalidParameterError} (`state`) saying what is wrong.
 */
export function userFromHandoff(
  value: unknown,
  userManager: UserManager,
  current: User | null,
): User {
  const handoff = value as Partial<OidcHandoff> | null;
  if (
    typeof handoff !== 'object' ||
    handoff === null ||
    handoff.kind !== HANDOFF_KIND ||
    handoff.version !== HANDOFF_VERSION ||
    typeof handoff.user !== 'object' ||
    handoff.user === null
  ) {
    throw invalid('is not an IdP user exported by oidcTokenSource (exportHandoff)');
  }
  const fields = handoff.user;
  for (const name of ['access_token', 'token_type'] as const) {
    if (!isBoundedString(fields[name])) throw invalid(`has no usable ${name}`);
  }
  for (const name of ['id_token', 'refresh_token', 'scope'] as const) {
    if (fields[name] !== undefined && !isBoundedString(fields[name])) {
      throw invalid(`has a malformed ${name}`);
    }
  }
  if (fields.session_state !== null && !isBoundedString(fields.session_state)) {
    throw invalid('has a malformed session_state');
  }
  if (fields.expires_at !== undefined && !Number.isFinite(fields.expires_at)) {
    throw invalid('has a malformed expires_at');
  }
  const profile = fields.profile as Partial<User['profile']> | undefined;
  if (typeof profile !== 'object' || profile === null || !isBoundedString(profile.sub)) {
    throw invalid('has no subject (profile.sub)');
  }
  const audience = profile.aud;
  const clientId = userManager.settings.client_id;
  if (
    audience !== undefined &&
    !(Array.isArray(audience) ? audience.includes(clientId) : audience === clientId)
  ) {
    throw invalid(`was issued to another client than ${clientId}`);
  }
  const user = new User({ ...fields, profile: profile as User['profile'] });
  if (current) {
    const authority = userManager.settings.authority;
    const mine = describeOidcUser(current, authority);
    const theirs = describeOidcUser(user, authority);
    if (mine.issuer !== theirs.issuer || mine.subject !== theirs.subject) {
      throw invalid('is for another user than the one signed in here');
    }
  }
  return user;
}

function isBoundedString(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0 && value.length <= MAX_FIELD_LENGTH;
}

function invalid(problem: string): InvalidParameterError {
  return new InvalidParameterError('state', problem);
}
