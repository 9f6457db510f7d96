import { useId, useState } from 'react';
import { startSamlSignIn } from '../auth/startSamlSignIn';
import { ErrorNotice } from './ErrorNotice';
import { useAction } from './useAction';

/** How the user asked to sign in with OpenID Connect. */
export interface OidcSignInRequest {
  /** Open the identity provider in a pop-up instead of leaving the page. */
  popup: boolean;
  /** Pre-fills the identity provider's login form (`login_hint`). */
  loginHint: string | undefined;
}

/** The ways in: OpenID Connect (redirect or pop-up, PKCE) or the SAML IdP's login page. */
export function SignInPanel({
  onOidcSignIn,
  reason,
}: {
  onOidcSignIn: (request: OidcSignInRequest) => Promise<void>;
  /** Why the session needs the user again, when it says so. */
  reason?: unknown;
}) {
  const { busy, error, run } = useAction();
  const [loginHint, setLoginHint] = useState('');
  const hintId = useId();
  const request = (popup: boolean): OidcSignInRequest => ({
    popup,
    loginHint: loginHint.trim() === '' ? undefined : loginHint.trim(),
  });
  return (
    <section className="card" aria-labelledby="sign-in-title" data-testid="sign-in-panel">
      <div className="card-header">
        <h2 id="sign-in-title">Sign in</h2>
      </div>
      <p className="lead">
        Sign in with your organisation’s identity provider. fedcreds turns the sign-in into
        temporary AWS credentials for this browser and keeps them fresh while you work.
      </p>
      <ErrorNotice error={reason} testId="sign-in-reason" tone="warn" />
      <ErrorNotice error={error} testId="sign-in-error" />
      <label className="field" htmlFor={hintId}>
        Username <span className="hint label-hint">(optional, fills in the sign-in form)</span>
        <input
          id={hintId}
          className="input"
          data-testid="login-hint"
          autoComplete="username"
          value={loginHint}
          onChange={(event) => setLoginHint(event.target.value)}
        />
      </label>
      <div className="actions">
        <button
          type="button"
          className="button button-block"
          data-testid="sign-in-oidc"
          disabled={busy}
          onClick={() => void run(() => onOidcSignIn(request(false)))}
        >
          Continue with OpenID Connect
        </button>
        <button
          type="button"
          className="button button-secondary button-block"
          data-testid="sign-in-popup"
          disabled={busy}
          onClick={() => void run(() => onOidcSignIn(request(true)))}
        >
          Sign in in a pop-up window
        </button>
      </div>
      <p className="divider">or</p>
      <button
        type="button"
        className="button button-secondary button-block"
        data-testid="sign-in-saml"
        disabled={busy}
        onClick={() => void startSamlSignIn()}
      >
        Continue with SAML
      </button>
    </section>
  );
}
