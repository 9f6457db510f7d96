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
    <section className="card" aria-labelledby="roles-title" data-testid="saml-role-picker">
      <div className="card-header">
        <h2 id="roles-title">Choose a role</h2>
      </div>
      <p className="lead">Your SAML sign-in offers these AWS roles. Pick the one to work as.</p>
      <div className="role-list" data-testid="saml-roles">
        <SamlRolePicker
          assertion={samlResponse}
          onSelect={onSelect}
          renderRole={(role) => (
            <span data-testid={`saml-role-${samlRoleName(role)}`}>{samlRoleName(role)}</span>
          )}
          empty={
            <p className="empty" data-testid="saml-no-roles">
              Your SAML sign-in offers no AWS role.
            </p>
          }
        />
      </div>
      <button
        type="button"
        className="button button-secondary"
        data-testid="saml-cancel"
        onClick={onCancel}
      >
        Cancel
      </button>
    </section>
  );
}
