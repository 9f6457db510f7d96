import { config } from '../config';

/** The two ways in: an OpenID Connect redirect (PKCE) or the SAML IdP's login page. */
export function SignInPanel({ onOidcSignIn }: { onOidcSignIn: () => void }) {
  return (
    <section className="panel" data-testid="sign-in-panel">
      <h2>Sign in</h2>
      <p>
        Sign in at an identity provider; fedcreds turns the login into temporary AWS credentials and
        keeps them fresh.
      </p>
      <div className="actions">
        <button data-testid="sign-in-oidc" onClick={onOidcSignIn}>
          Sign in with OpenID Connect
        </button>
        <button
          data-testid="sign-in-saml"
          onClick={() => window.location.assign(config.samlLoginUrl)}
        >
          Sign in with SAML
        </button>
      </div>
    </section>
  );
}
