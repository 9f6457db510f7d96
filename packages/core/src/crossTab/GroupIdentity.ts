import type { SessionRecord } from '../session/SessionRecord.js';
import type { TokenSourceUser } from '../tokenSources/TokenSource.js';

/**
 * Whose credentials a cross-tab group shares: tabs form a group only with tabs of the same
 * identity, and every record a tab adopts, answers with or hands out must belong to it.
 */
export interface GroupIdentity {
  /** The IdP (`iss`); `''` where the tab cannot tell (a SAML source), then not compared. */
  readonly issuer: string;
  /** The user at the IdP (`sub`, SAML `NameID`). */
  readonly subject: string;
  /** The role assumed (`session-token` for GetSessionToken): its ARN names the account too. */
  readonly roleArn: string;
  /** The STS the credentials come from: its endpoint URL, or its region. */
  readonly sts: string;
}

/** Whether two identities are the same. */
export function isSameIdentity(a: GroupIdentity | null, b: GroupIdentity | null): boolean {
  return (
    a !== null &&
    b !== null &&
    a.issuer === b.issuer &&
    a.subject === b.subject &&
    a.roleArn === b.roleArn &&
    a.sts === b.sts
  );
}

/** Whether `who` (a token source's user) is the user of `identity`. */
export function isUserOf(who: TokenSourceUser, identity: GroupIdentity): boolean {
  return who.subject === identity.subject && (who.issuer ?? '') === identity.issuer;
}

/**
 * Whether `record`'s credentials were issued for `identity`: the subject and role they name are
 * the identity's (and the issuer, where both know it). A record that names no subject belongs to
 * nobody's group.
 */
export function belongsTo(record: SessionRecord, identity: GroupIdentity): boolean {
  const named = record.identity;
  if (!named?.subject || named.subject !== identity.subject) return false;
  if ((named.roleArn ?? '') !== identity.roleArn) return false;
  return identity.issuer === '' || named.issuer === undefined || named.issuer === identity.issuer;
}

/**
 * The group's key: a hash of `namespace` and the identity, so lock and channel names (which any
 * script of the origin can list with `navigator.locks.query()`) do not spell out who is signed
 * in. SHA-256 where `crypto.subtle` exists (secure contexts); elsewhere a 64-bit FNV-1a, which
 * still separates identities — every message is checked against the full identity anyway.
 */
export function groupKeyOf(namespace: string, identity: GroupIdentity): Promise<string> {
  return hashOf([namespace, identity.issuer, identity.subject, identity.roleArn, identity.sts]);
}

/**
 * The key of the lobby where tabs of `namespace` that assume `roleArn` through `sts` meet
 * whatever their user (see `joinWhenSignedOut`): hashed like a group's key, and naming nobody.
 */
export function lobbyKeyOf(namespace: string, roleArn: string, sts: string): Promise<string> {
  return hashOf(['lobby', namespace, roleArn, sts]);
}

async function hashOf(parts: readonly string[]): Promise<string> {
  const text = JSON.stringify(parts);
  const subtle = (globalThis as { crypto?: { subtle?: SubtleCrypto } }).crypto?.subtle;
  if (subtle) {
    try {
      const digest = await subtle.digest('SHA-256', new TextEncoder().encode(text));
      return toHex(new Uint8Array(digest)).slice(0, 32);
    } catch {
      // A subtle that refuses (some embedded browsers): fall through.
    }
  }
  return fnv1a64(text);
}

/**
 * Where `service` (an STS client) sends its requests: the configured endpoint's URL, else the
 * region; `''` when the client's configuration cannot be read.
 */
export async function stsTargetOf(service: unknown): Promise<string> {
  const config = (service as { config?: Record<string, unknown> } | null)?.config;
  try {
    const endpoint =
      typeof config?.['endpoint'] === 'function'
        ? ((await (config['endpoint'] as () => Promise<unknown>)()) as {
            protocol?: string;
            hostname?: string;
            port?: number;
            path?: string;
          })
        : undefined;
    if (endpoint?.hostname) {
      const port = endpoint.port === undefined ? '' : `:${endpoint.port}`;
      return `${endpoint.protocol ?? 'https:'}//${endpoint.hostname}${port}${endpoint.path ?? '/'}`;
    }
    const region =
      typeof config?.['region'] === 'function'
        ? await (config['region'] as () => Promise<unknown>)()
        : config?.['region'];
    return typeof region === 'string' ? region : '';
  } catch {
    return '';
  }
}

function toHex(bytes: Uint8Array): string {
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
}

function fnv1a64(text: string): string {
  // Two 32-bit FNV-1a lanes with different offsets: 64 bits without BigInt.
  let a = 0x811c9dc5;
  let b = 0xcbf29ce4;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    a = Math.imul(a ^ code, 0x01000193) >>> 0;
    b = Math.imul(b ^ code, 0x01000193) >>> 0;
  }
  return a.toString(16).padStart(8, '0') + b.toString(16).padStart(8, '0');
}
