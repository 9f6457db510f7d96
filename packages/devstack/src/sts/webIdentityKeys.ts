import { createRemoteJWKSet } from 'jose';
import type { JWTVerifyGetKey } from 'jose';
import type { DevstackConfig } from '../config.js';
import { StsError } from './stsError.js';

/** How long STS waits for an IdP's discovery document or JWKS. */
const FETCH_TIMEOUT_MS = 5000;

const normalise = (issuer: string) => issuer.replace(/\/+$/, '');

/**
 * The OpenID Providers STS trusts and their signing keys: the stack's own provider (`'devstack'`
 * in a role's trust), `sts.externalProviders`, and issuers named in role trusts. Each provider's
 * JWKS is found once (through `jwksUri` or discovery) and cached by jose's remote key set, which
 * refetches on an unknown `kid` (key rotation).
 */
export class WebIdentityKeys {
  readonly #oidcIssuer: string | undefined;
  readonly #jwksUris = new Map<string, string | undefined>();
  readonly #keySets = new Map<string, Promise<JWTVerifyGetKey>>();

  constructor(config: DevstackConfig, oidcIssuer?: string) {
    this.#oidcIssuer = oidcIssuer;
    if (oidcIssuer !== undefined) this.#jwksUris.set(normalise(oidcIssuer), undefined);
    for (const role of config.roles) {
      for (const trust of role.webIdentity ?? []) {
        if (trust.issuer !== 'devstack') this.#jwksUris.set(normalise(trust.issuer), undefined);
      }
    }
    for (const provider of config.sts.externalProviders) {
      this.#jwksUris.set(normalise(provider.issuer), provider.jwksUri);
    }
  }

  /** Issuer URL of the stack's own OpenID Provider, when STS trusts one. */
  get ownIssuer(): string | undefined {
    return this.#oidcIssuer;
  }

  /** The issuer URL a role trust entry stands for (`'devstack'` → the stack's provider). */
  resolveTrustIssuer(issuer: string): string | undefined {
    if (issuer === 'devstack')
      return this.#oidcIssuer === undefined ? undefined : normalise(this.#oidcIssuer);
    return normalise(issuer);
  }

  /** Whether an `iss` claim names a provider this account knows. */
  isKnown(iss: string): boolean {
    return this.#jwksUris.has(normalise(iss));
  }

  /** Key lookup for jose's `jwtVerify`; throws `IDPCommunicationError` when discovery fails. */
  async keysFor(iss: string): Promise<JWTVerifyGetKey> {
    const issuer = normalise(iss);
    let keySet = this.#keySets.get(issuer);
    if (!keySet) {
      keySet = this.#load(issuer);
      this.#keySets.set(issuer, keySet);
      // A failed discovery must not stick: the IdP may just be starting.
      keySet.catch(() => this.#keySets.delete(issuer));
    }
    return keySet;
  }

  async #load(issuer: string): Promise<JWTVerifyGetKey> {
    let jwksUri = this.#jwksUris.get(issuer);
    if (jwksUri === undefined) {
      let discovered: unknown;
      try {
        const response = await fetch(`${issuer}/.well-known/openid-configuration`, {
          signal: AbortSignal.timeout(FETCH_TIMEOUT_MS),
        });
        if (!response.ok) throw new Error(`HTTP ${response.status}`);
        discovered = await response.json();
      } catch {
        throw idpCommunicationError();
      }
      const uri = (discovered as { jwks_uri?: unknown } | null)?.jwks_uri;
      if (typeof uri !== 'string') throw idpCommunicationError();
      jwksUri = uri;
    }
    return createRemoteJWKSet(new URL(jwksUri), { timeoutDuration: FETCH_TIMEOUT_MS });
  }
}

/** The error AWS gives when it cannot reach an IdP's keys. */
export function idpCommunicationError(): StsError {
  return new StsError(
    'IDPCommunicationError',
    "Couldn't retrieve verification key from your identity provider, please reference AssumeRoleWithWebIdentity documentation for requirements",
  );
}
