// The popup sign-in browser test's page (demo/e2e/popupSignIn.test.ts): a createOidcSession with
// oidc-client-ts's own popup window. The same page is the popup's return address: there, the
// session's start() hands the authorization response to the opener, and the popup closes.
import { UserManager } from 'oidc-client-ts';
import { createOidcSession } from '@fedcreds/core/oidc';

/** Set by the test's build (`define`): the dev stack it started. */
declare const __POPUP_TEST_CONFIG__: {
  authority: string;
  clientId: string;
  roleArn: string;
  region: string;
  sts: string;
};
const config = __POPUP_TEST_CONFIG__;

const here = `${location.origin}/index.html`;
const session = createOidcSession({
  userManager: new UserManager({
    authority: config.authority,
    client_id: config.clientId,
    redirect_uri: here,
    popup_redirect_uri: here,
    scope: 'openid profile email offline_access',
    automaticSilentRenew: false,
  }),
  roleArn: config.roleArn,
  region: config.region,
  clientConfig: { endpoint: config.sts },
});

const output = (id: string) => document.querySelector(`[data-testid="${id}"]`) as HTMLElement;
const render = () => {
  const { status, credentials, identity } = session.getSnapshot();
  output('status').textContent = status;
  output('subject').textContent = identity?.subject ?? '';
  output('name').textContent = identity?.profile?.name ?? '';
  output('access-key-id').textContent = credentials?.accessKeyId ?? '';
};
session.subscribe(render);
output('sign-in-popup').addEventListener('click', () => {
  output('sign-in-error').textContent = '';
  session.signIn({ popup: true, loginHint: 'alice' }).catch((error: { code?: string }) => {
    output('sign-in-error').textContent = error.code ?? 'unknown';
  });
});
session.start();
render();
