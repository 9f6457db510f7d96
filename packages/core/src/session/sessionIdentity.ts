import type { IdentityRef } from '../errors.js';

/**
 * Whether `actual` (a token's claims, a record's identity) names another user than `expected`:
 * another subject or another IdP. A field either side does not know matches, so a token without
 * an issuer is judged by its subject alone.
 */
export function isAnotherUser(expected: IdentityRef, actual: IdentityRef): boolean {
  const differs = (a: string | undefined, b: string | undefined) =>
    a !== undefined && b !== undefined && a !== b;
  return differs(expected.subject, actual.subject) || differs(expected.issuer, actual.issuer);
}

/** The issuer and subject of `identity`, or `null` when it names no subject. */
export function identityRefOf(identity: IdentityRef | null | undefined): IdentityRef | null {
  if (identity?.subject === undefined) return null;
  return { issuer: identity.issuer, subject: identity.subject };
}
