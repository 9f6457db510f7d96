import type { SamlRole } from '@fedcreds/core';

const KEY = 'fedcreds-demo:saml-role';

/**
 * The SAML role this tab signed in with, kept in sessionStorage (role and provider ARNs — nothing
 * secret) so a reload can rebuild the same session and let it restore its persisted credentials.
 */
export const savedSamlRole = {
  load(): SamlRole | undefined {
    try {
      const value: unknown = JSON.parse(sessionStorage.getItem(KEY) ?? 'null');
      if (typeof value !== 'object' || value === null) return undefined;
      const { roleArn, principalArn } = value as Record<string, unknown>;
      return typeof roleArn === 'string' && typeof principalArn === 'string'
        ? { roleArn, principalArn }
        : undefined;
    } catch {
      return undefined;
    }
  },
  save(role: SamlRole): void {
    sessionStorage.setItem(
      KEY,
      JSON.stringify({ roleArn: role.roleArn, principalArn: role.principalArn }),
    );
  },
  clear(): void {
    sessionStorage.removeItem(KEY);
  },
};
