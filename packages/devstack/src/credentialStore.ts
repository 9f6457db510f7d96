import { createHash, randomBytes } from 'node:crypto';
import type { DevstackConfig } from './config.js';
import type { NormalizedPolicy } from './iam/policyDocument.js';

/**
 * What a session carries for IAM beyond its role: evaluated with every request it signs, the way
 * AWS keeps session policies, session tags and federated claims inside the session token.
 */
export interface SessionClaims {
  /** Session policies (`Policy` and `PolicyArns` of the STS call); absent = not limited. */
  sessionPolicies?: NormalizedPolicy[];
  /** Session tags (`aws:PrincipalTag/<key>`), including transitive tags inherited in a chain. */
  sessionTags?: Record<string, string>;
  /** Tag keys that pass on to sessions this one assumes (role chaining). */
  transitiveTagKeys?: string[];
  /**
   * Condition keys from the identity provider, present in every request of a federated session:
   * `<providerUrl>:sub`, `<providerUrl>:aud`, `<providerUrl>:amr`, `saml:sub`, `saml:aud`, …
   */
  federatedKeys?: Record<string, string | string[]>;
}

/** How a credential came to exist; decides what it may do next (chaining, GetSessionToken). */
export type CredentialKind =
  'web-identity' | 'saml' | 'assume-role' | 'session-token' | 'long-term';

/** A credential the stack knows: a configured long-term key or one STS issued. */
export interface IssuedCredential {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  /** Epoch milliseconds after which the credential is expired; `null` for long-term keys. */
  expiresAt: number | null;
  /** Assumed-role ARN (`arn:aws:sts::<acct>:assumed-role/<role>/<session>`) or IAM user ARN. */
  arn: string;
  /** Role the credential acts as; undefined for users and GetSessionToken of a user. */
  roleName?: string;
  /** IAM user behind a long-term key or a GetSessionToken credential. */
  userName?: string;
  kind: CredentialKind;
  /** Issued by AssumeRole called with temporary role credentials (role chaining). */
  chained: boolean;
  /** `UserId` of GetCallerIdentity: `AROA…:<session>` for role sessions, `AIDA…` for users. */
  userId: string;
  /** Role session name, for role sessions. */
  sessionName?: string;
  /** The session was created with a valid MFA code (or derives from one that was). */
  mfaAuthenticated: boolean;
  /** `SourceIdentity` set on the session, carried through role chaining. */
  sourceIdentity?: string;
  /** Epoch milliseconds at issue time; `null` for long-term keys. */
  issuedAt: number | null;
  /** Session policies, tags and federated claims the session carries (see {@link SessionClaims}). */
  claims?: SessionClaims;
}

/** What STS decided to issue; the store only mints keys and remembers them. */
export interface IssueCredentialInput {
  kind: Exclude<CredentialKind, 'long-term'>;
  /** Lifetime of the credential in seconds (already validated and capped by the caller). */
  durationSeconds: number;
  /** Role to act as (role sessions). */
  roleName?: string;
  /** Role session name (role sessions). */
  sessionName?: string;
  /** IAM user (GetSessionToken). */
  userName?: string;
  chained?: boolean;
  mfaAuthenticated?: boolean;
  sourceIdentity?: string;
  /** Session policies, tags and federated claims to carry. */
  claims?: SessionClaims | undefined;
  /** Issue time in epoch ms. @default the store's clock */
  now?: number;
}

const ACCESS_KEY_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

function randomId(prefix: string, length: number): string {
  const bytes = randomBytes(length - prefix.length);
  let out = prefix;
  for (const byte of bytes) out += ACCESS_KEY_ALPHABET[byte % 32];
  return out;
}

/** Stable IAM-style unique id (`AROA…`, `AIDA…`) derived from a name, so it survives restarts. */
export function stableUniqueId(prefix: 'AROA' | 'AIDA', account: string, name: string): string {
  const digest = createHash('sha256').update(`${account}/${prefix}/${name}`).digest();
  let out = prefix;
  for (let i = 0; i < 17; i += 1) out += ACCESS_KEY_ALPHABET[digest[i]! % 32];
  return out;
}

// A credential that ends up in a log or an error through JSON.stringify must not leak its secret.
// Non-enumerable, so spreading a credential copies the data and not this guard.
function redactOnSerialize(credential: IssuedCredential): IssuedCredential {
  Object.defineProperty(credential, 'toJSON', {
    enumerable: false,
    value(this: IssuedCredential) {
      const { secretAccessKey: _secret, sessionToken: _token, ...rest } = this;
      return rest;
    },
  });
  return credential;
}

/**
 * Every access key the stack accepts: the configured long-term keys plus every credential STS
 * issued, so STS (AssumeRole, GetSessionToken, GetCallerIdentity) and the S3/DynamoDB gateway
 * verify SigV4 against one source of truth. One instance is shared by all servers of a stack.
 */
export class CredentialStore {
  readonly #config: DevstackConfig;
  readonly #clock: () => number;
  readonly #issued = new Map<string, IssuedCredential>();

  /**
   * @param config - the stack configuration (account id, long-term access keys).
   * @param clock - epoch-ms clock used when {@link IssueCredentialInput.now} is absent. @default Date.now
   */
  constructor(config: DevstackConfig, clock: () => number = Date.now) {
    this.#config = config;
    this.#clock = clock;
  }

  /** Mints a new `ASIA…` key pair with a session token and remembers it. */
  issue(input: IssueCredentialInput): IssuedCredential {
    const now = input.now ?? this.#clock();
    const account = this.#config.accountId;
    const accessKeyId = randomId('ASIA', 20);
    let arn: string;
    let userId: string;
    if (input.roleName !== undefined) {
      const session = input.sessionName ?? 'session';
      arn = `arn:aws:sts::${account}:assumed-role/${input.roleName}/${session}`;
      userId = `${stableUniqueId('AROA', account, input.roleName)}:${session}`;
    } else if (input.userName !== undefined) {
      arn = `arn:aws:iam::${account}:user/${input.userName}`;
      userId = stableUniqueId('AIDA', account, input.userName);
    } else {
      throw new TypeError('CredentialStore.issue: roleName or userName is required');
    }
    const credential: IssuedCredential = {
      accessKeyId,
      secretAccessKey: randomBytes(30).toString('base64').replace(/[+/=]/g, 'x').slice(0, 40),
      // Real tokens are opaque, long base64 blobs; clients must not rely on their shape.
      sessionToken: `FwoGZXIvYXdzE${randomBytes(192).toString('base64')}`,
      expiresAt: now + input.durationSeconds * 1000,
      arn,
      kind: input.kind,
      chained: input.chained ?? false,
      userId,
      mfaAuthenticated: input.mfaAuthenticated ?? false,
      issuedAt: now,
    };
    if (input.roleName !== undefined) credential.roleName = input.roleName;
    if (input.sessionName !== undefined) credential.sessionName = input.sessionName;
    if (input.userName !== undefined) credential.userName = input.userName;
    if (input.sourceIdentity !== undefined) credential.sourceIdentity = input.sourceIdentity;
    if (input.claims !== undefined) credential.claims = input.claims;
    this.#prune(now);
    this.#issued.set(accessKeyId, redactOnSerialize(credential));
    return credential;
  }

  /** The credential for an access key id: an issued one (even if expired) or a configured long-term key. */
  lookup(accessKeyId: string): IssuedCredential | undefined {
    const issued = this.#issued.get(accessKeyId);
    if (issued) return issued;
    const key = this.#config.accessKeys.find((k) => k.accessKeyId === accessKeyId);
    if (!key) return undefined;
    return redactOnSerialize({
      accessKeyId: key.accessKeyId,
      secretAccessKey: key.secretAccessKey,
      expiresAt: null,
      arn: `arn:aws:iam::${this.#config.accountId}:user/${key.userName}`,
      userName: key.userName,
      kind: 'long-term',
      chained: false,
      userId: stableUniqueId('AIDA', this.#config.accountId, key.userName),
      mfaAuthenticated: false,
      issuedAt: null,
    });
  }

  /** Number of issued (temporary) credentials currently remembered. */
  get size(): number {
    return this.#issued.size;
  }

  // Expired credentials are kept a day so requests signed with them still get `ExpiredToken`
  // (not `InvalidClientTokenId`), then forgotten so a long-running stack does not grow forever.
  #prune(now: number): void {
    const horizon = now - 24 * 3600 * 1000;
    for (const [id, credential] of this.#issued) {
      if (credential.expiresAt !== null && credential.expiresAt < horizon) this.#issued.delete(id);
    }
  }
}
