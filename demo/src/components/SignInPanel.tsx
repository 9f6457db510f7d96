import { startSamlSignIn } from '../auth/startSamlSignIn';

/** The two ways in: an OpenID Connect redirect (PKCE) or the SAML IdP's login page. */
export function SignInPanel({
  onOidcSignIn,
  reason,
}: {
  onOidcSignIn: () => void;
  /** Why the session needs the user, when it says so. */
  reason?: string | undefined;
}) {
  return (
    <section className="panel" data-testid="sign-in-panel">
      <h2>Sign in</h2>
      <p>
        Sign in at an identity provider; fedcreds turns the login into temporary AWS credentials and
        keeps them fresh.
      </p>
      {reason !== undefined && (
        <p className="muted" data-testid="sign-in-reason">
          {reason}
        </p>
      )}
      <div className="actions">
        <button data-testid="sign-in-oidc" onClick={onOidcSignIn}>
          Sign in with OpenID Connect
        </button>
        <button data-testid="sign-in-saml" onClick={() => void startSamlSignIn()}>
          Sign in with SAML
        </button>
      </div>
    </section>
  );
}
