import { samlRoleName, type SamlRole } from '@fedcreds/core';
import { SamlRolePicker } from '@fedcreds/react';

/** The roles the SAML response offers; the user picks the one to assume. */
export function SamlRoleChooser({
  samlResponse,
  onSelect,
  onCancel,
}: {
  samlResponse: string;
  onSelect: (role: SamlRole) => void;
  onCancel: () => void;
}) {
  return (
    <section className="panel" data-testid="saml-role-picker">
      <h2>Choose a role</h2>
      <p>Your SAML sign-in offers these AWS roles.</p>
      <div className="roles" data-testid="saml-roles">
        <SamlRolePicker
          assertion={samlResponse}
          onSelect={onSelect}
          renderRole={(role) => (
            <span data-testid={`saml-role-${samlRoleName(role)}`}>{samlRoleName(role)}</span>
          )}
          empty={<p data-testid="saml-no-roles">The SAML response offers no role.</p>}
        />
      </div>
      <button data-testid="saml-cancel" onClick={onCancel}>
        Cancel
      </button>
    </section>
  );
}
