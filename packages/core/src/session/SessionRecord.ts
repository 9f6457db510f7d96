import type { AwsCredentialIdentity } from '@smithy/types';
import { protectIdentity } from '../protectIdentity.js';
import { profileClaims, type SessionProfile } from '../jwt/profileClaims.js';
import type { SessionIdentity } from './SessionSnapshot.js';

/**
 * Credentials and what a session knows about them, as plain JSON: what opt-in persistence stores
 * and what a {@link SessionCoordinator} passes between tabs. Times are local-clock milliseconds.
 *
 * It holds the secret access key: it goes only where the app chose to put it (sessionStorage, a
 * same-origin channel), never to `localStorage` and never into logs.
 */
export interface SessionRecord {
  /** Format version; records of another version are ignored. */
  readonly version: 1;
  /** AWS access key id. */
  readonly accessKeyId: string;
  /** AWS secret access key. */
  readonly secretAccessKey: string;
  /** Session token. */
  readonly sessionToken?: string;
  /** Account of the credentials, when known. */
  readonly accountId?: string;
  /** When the credentials were obtained. */
  readonly issuedAtMs: number;
  /** When they expire (skew-corrected). */
  readonly expiresAtMs: number;
  /** When the IdP token they came from expires, if known. */
  readonly tokenExpiresAtMs: number | null;
  /** Who they belong to. */
  readonly identity: SessionIdentity | null;
  /** Server minus local clock, in milliseconds, when they were obtained. */
  readonly clockSkewMs: number;
}

/**
 * Whether two records hold the same credentials (same key, same expiry) — e.g. one adopted from
 * another tab and the one a refresh then resolved with.
 */
export function isSameRecord(a: SessionRecord, b: SessionRecord | null): boolean {
  return b !== null && a.accessKeyId === b.accessKeyId && a.expiresAtMs === b.expiresAtMs;
}

/** Checks that parsed JSON is a {@link SessionRecord} of this version; anything else is `null`. */
export function parseSessionRecord(value: unknown): SessionRecord | null {
  if (typeof value !== 'object' || value === null) return null;
  const r = value as Record<string, unknown>;
  const isString = (v: unknown) => typeof v === 'string' && v.length > 0;
  const isOptionalString = (v: unknown) => v === undefined || isString(v);
  const isTime = (v: unknown) => typeof v === 'number' && Number.isFinite(v);
  const identity = r['identity'];
  if (
    r['version'] !== 1 ||
    !isString(r['accessKeyId']) ||
    !isString(r['secretAccessKey']) ||
    !isOptionalString(r['sessionToken']) ||
    !isOptionalString(r['accountId']) ||
    !isTime(r['issuedAtMs']) ||
    !isTime(r['expiresAtMs']) ||
    !(r['tokenExpiresAtMs'] === null || isTime(r['tokenExpiresAtMs'])) ||
    !isTime(r['clockSkewMs']) ||
    !(identity === null || typeof identity === 'object')
  ) {
    return null;
  }
  const ids = identity as Record<string, unknown> | null;
  const safeIdentity: SessionIdentity | null =
    ids === null
      ? null
      : Object.freeze(
          Object.fromEntries([
            ...(['subject', 'issuer', 'audience', 'roleArn', 'assumedRoleArn'] as const)
              .filter((key) => typeof ids[key] === 'string')
              .map((key) => [key, ids[key] as string]),
            // Only the display claims, checked as when read from the token.
            ...profileEntry(ids['profile']),
          ]),
        );
  return { ...(r as unknown as SessionRecord), identity: safeIdentity };
}

/**
 * The credentials of `record` as an SDK v3 identity whose secrets `JSON.stringify` redacts, with
 * the local-clock `expiration` (so SDK clients, which compare with `Date.now()`, cache them right).
 */
export function credentialsOfRecord(record: SessionRecord): AwsCredentialIdentity {
  return protectIdentity({
    accessKeyId: record.accessKeyId,
    secretAccessKey: record.secretAccessKey,
    ...(record.sessionToken !== undefined && { sessionToken: record.sessionToken }),
    ...(record.accountId !== undefined && { accountId: record.accountId }),
    expiration: new Date(record.expiresAtMs),
  });
}

function profileEntry(value: unknown): [['profile', SessionProfile]] | [] {
  if (typeof value !== 'object' || value === null) return [];
  const profile = profileClaims(value as Record<string, unknown>);
  return profile ? [['profile', profile]] : [];
}
