'use client';
import { FedcredsError, parseSamlRoles } from '@fedcreds/core';
import type { SamlRole } from '@fedcreds/core';
import { useMemo } from 'react';

/** What {@link useSamlRoles} returns. */
export interface SamlRolesResult {
  /** The role/provider pairs the assertion offers, in its order; empty without an assertion. */
  roles: SamlRole[];
  /** Why the assertion could not be read (an `InvalidParameterError` naming `SAMLAssertion`). */
  error: FedcredsError | null;
}

/**
 * The roles a SAML response offers (its `https://aws.amazon.com/SAML/Attributes/Role` values,
 * parsed by the core's `parseSamlRoles`), for a role picker. Parsed once per assertion. The app
 * then builds a session for the chosen pair and hands it to `<AwsCredentialsProvider session>`.
 *
 * @param assertion - the base64 `SAMLResponse` as posted (or its XML); `null` while there is none.
 *
 * @example
 * ```tsx
 * function PickRole({ assertion, onPick }: { assertion: string; onPick: (role: SamlRole) => void }) {
 *   const { roles, error } = useSamlRoles(assertion);
 *   if (error) return <p role="alert">{error.message}</p>;
 *   return roles.map((role) => (
 *     <button key={role.roleArn} onClick={() => onPick(role)}>{role.roleArn}</button>
 *   ));
 * }
 * ```
 */
export function useSamlRoles(assertion: string | null | undefined): SamlRolesResult {
  return useMemo(() => {
    if (assertion === null || assertion === undefined || assertion === '')
      return { roles: [], error: null };
    try {
      return { roles: parseSamlRoles(assertion), error: null };
    } catch (error) {
      if (error instanceof FedcredsError) return { roles: [], error };
      throw error;
    }
  }, [assertion]);
}
