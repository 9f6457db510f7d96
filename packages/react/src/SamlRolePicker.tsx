'use client';
import { samlRoleName, type SamlRole } from '@fedcreds/core';
import type { ReactNode } from 'react';
import { useSamlRoles } from './useSamlRoles.js';

/** Props of {@link SamlRolePicker}. */
export interface SamlRolePickerProps {
  /** The base64 `SAMLResponse` (or its XML). */
  assertion: string;
  /** Called with the pair the user picked: pass it to `SAMLCredentials` as `RoleArn`/`PrincipalArn`. */
  onSelect: (role: SamlRole) => void;
  /** Content of each role's button. @default the role's name (the part after `role/`) */
  renderRole?: (role: SamlRole) => ReactNode;
  /** Rendered when the assertion offers no role. @default null */
  empty?: ReactNode;
}

/**
 * An unstyled list of buttons, one per role the SAML assertion offers. A malformed assertion
 * renders its error as an alert.
 *
 * @example
 * ```tsx
 * const [role, setRole] = useState<SamlRole | null>(null);
 * if (role === null) return <SamlRolePicker assertion={samlResponse} onSelect={setRole} />;
 * const session = createFederatedSession({
 *   credentials: new SAMLCredentials({ RoleArn: role.roleArn, PrincipalArn: role.principalArn, SAMLAssertion: samlResponse }),
 *   tokenSource: callbackTokenSource(fetchAssertion),
 * });
 * ```
 */
export function SamlRolePicker({
  assertion,
  onSelect,
  renderRole = samlRoleName,
  empty = null,
}: SamlRolePickerProps): ReactNode {
  const { roles, error } = useSamlRoles(assertion);
  if (error !== null) return <p role="alert">{error.message}</p>;
  if (roles.length === 0) return empty;
  return (
    <ul>
      {roles.map((role) => (
        <li key={`${role.roleArn},${role.principalArn}`}>
          <button type="button" onClick={() => onSelect(role)}>
            {renderRole(role)}
          </button>
        </li>
      ))}
    </ul>
  );
}
