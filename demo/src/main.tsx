import { oidcTokenSource } from '@fedcreds/core/oidc';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { readSamlResponse } from './auth/readSamlResponse';
import { userManager } from './auth/userManager';
import './styles.css';

/** Whether this window is the sign-in popup, back from the IdP with its answer for the opener. */
const isPopupCallback = () =>
  window.opener !== null && new URLSearchParams(window.location.search).has('state');

// Read (and wiped from the address bar) once, before React renders: StrictMode runs state
// initializers twice, and the second run would find the fragment gone.
const samlResponse = readSamlResponse();

if (isPopupCallback()) {
  // No app in the popup: hand the response to the opener, whose session signs in; oidc-client-ts
  // closes this window.
  void oidcTokenSource(userManager).completeSignIn();
} else {
  createRoot(document.getElementById('root')!).render(
    <StrictMode>
      <App samlResponse={samlResponse} />
    </StrictMode>,
  );
}
