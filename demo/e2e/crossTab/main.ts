// The cross-tab browser test's page (demo/e2e/crossTab.test.ts): one WebIdentity session with
// `crossTab: true`, its status and access key id in the DOM. The test serves it on 127.0.0.1,
// opens it in several tabs and supplies ID tokens through `fedcredsTestToken`.
import {
  WebIdentityCredentials,
  callbackTokenSource,
  createFederatedSession,
} from '@fedcreds/core';

declare global {
  interface Window {
    /** Exposed by the test: an ID token for alice from the dev stack's IdP. */
    fedcredsTestToken(): Promise<string>;
  }
}

const config = new URLSearchParams(location.search);
const setting = (name: string): string => {
  const value = config.get(name);
  if (value === null) throw new Error(`The page needs ?${name}=`);
  return value;
};

const session = createFederatedSession({
  credentials: new WebIdentityCredentials(
    // The session writes the token in from the token source before every STS call.
    { RoleArn: setting('roleArn'), RoleSessionName: 'alice', WebIdentityToken: undefined },
    { endpoint: setting('sts'), region: setting('region'), maxAttempts: 1 },
  ),
  tokenSource: callbackTokenSource(() => window.fedcredsTestToken()),
  crossTab: true,
  refreshWindowMs: Number(setting('refreshWindowMs')),
  refreshJitterMs: Number(setting('refreshJitterMs')),
});

const output = (id: string) => document.querySelector(`[data-testid="${id}"]`) as HTMLElement;
let refreshes = 0;
const render = () => {
  const { status, credentials } = session.getSnapshot();
  output('status').textContent = status;
  output('access-key-id').textContent = credentials?.accessKeyId ?? '';
  output('refresh-count').textContent = String(refreshes);
};
session.subscribe(render);
session.on('refreshed', () => {
  refreshes += 1;
  render();
});
output('sign-out').addEventListener('click', () => void session.signOut());
session.start();
render();
