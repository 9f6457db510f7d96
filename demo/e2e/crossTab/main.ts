// The cross-tab browser test's page (demo/e2e/crossTab.test.ts): one OIDC session with
// `crossTab: crossTab({ joinWhenSignedOut: true })` — as the demo's provider sets it; `?join=0`
// turns joining off — over a real oidc-client-ts UserManager (the user in this tab's
// sessionStorage, oidc-client-ts's default) against the dev stack. It shows its status and key, and records for
// the test what it held and handed out: every access key with the user it was for, credentials
// handed out past their expiry, and the outcome of the S3 requests it makes when asked to.
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { crossTab } from '@fedcreds/core';
import { createOidcSession } from '@fedcreds/core/oidc';
import { UserManager } from 'oidc-client-ts';

/** Set by the test's build (`define`). */
declare const CROSS_TAB_CONFIG: {
  authority: string;
  clientId: string;
  sts: string;
  s3: string;
  bucket: string;
  region: string;
  roleArn: string;
  refreshWindowMs: number;
  refreshJitterMs: number;
  minValidityMs: number;
};

/** What the page records, read by the test. */
interface CrossTabStats {
  /** Every access key this tab held, and whose ID token it came with (the snapshot's subject). */
  keys: { key: string; subject: string | undefined }[];
  /** Times `credentialProvider()` resolved with credentials already expired. */
  expiredHandedOut: number;
  providerCalls: number;
  s3Ok: number;
  s3Failed: string[];
  /** Every status the session went through. */
  statuses: string[];
}

declare global {
  interface Window {
    fedcredsStats: CrossTabStats;
    fedcredsS3(on: boolean): void;
  }
}

const config = CROSS_TAB_CONFIG;
const output = (id: string) => document.querySelector(`[data-testid="${id}"]`) as HTMLElement;
const stats: CrossTabStats = {
  keys: [],
  expiredHandedOut: 0,
  providerCalls: 0,
  s3Ok: 0,
  s3Failed: [],
  statuses: [],
};
window.fedcredsStats = stats;

const userManager = new UserManager({
  authority: config.authority,
  client_id: config.clientId,
  redirect_uri: `${location.origin}/`,
  scope: 'openid offline_access',
  automaticSilentRenew: false,
  monitorSession: false,
});

async function main(): Promise<void> {
  // The callback first, so the session is named after the user who signed in in this tab: a key
  // STS issued for another user then shows under another session name.
  if (new URLSearchParams(location.search).has('code')) {
    await userManager.signinRedirectCallback();
    history.replaceState(null, '', '/');
  }
  const user = await userManager.getUser();
  const session = createOidcSession({
    userManager,
    roleArn: config.roleArn,
    region: config.region,
    roleSessionName: user?.profile.sub ?? 'nobody',
    clientConfig: { endpoint: config.sts, maxAttempts: 1 },
    crossTab: crossTab({
      joinWhenSignedOut: new URLSearchParams(location.search).get('join') !== '0',
    }),
    refreshWindowMs: config.refreshWindowMs,
    refreshJitterMs: config.refreshJitterMs,
    minValidityMs: config.minValidityMs,
  });
  const s3 = new S3Client({
    region: config.region,
    endpoint: config.s3,
    forcePathStyle: true,
    maxAttempts: 1,
    credentials: session.credentialProvider,
  });

  const render = () => {
    const { status, credentials, identity } = session.getSnapshot();
    if (stats.statuses.at(-1) !== status) stats.statuses.push(status);
    output('status').textContent = status;
    output('access-key-id').textContent = credentials?.accessKeyId ?? '';
    output('subject').textContent = identity?.subject ?? '';
    const key = credentials?.accessKeyId;
    if (key && stats.keys.at(-1)?.key !== key) stats.keys.push({ key, subject: identity?.subject });
  };
  session.subscribe(render);
  output('sign-in').addEventListener('click', () => void session.signIn());
  output('sign-out').addEventListener('click', () => void session.signOut());

  // What an SDK client gets, every 50 ms: never expired credentials.
  setInterval(() => {
    const { status } = session.getSnapshot();
    if (status !== 'ready' && status !== 'refreshing') return;
    stats.providerCalls += 1;
    session.credentialProvider().then(
      (identity) => {
        if (identity.expiration && identity.expiration.getTime() <= Date.now()) {
          stats.expiredHandedOut += 1;
        }
      },
      () => undefined,
    );
  }, 50);

  let s3Timer: ReturnType<typeof setInterval> | undefined;
  window.fedcredsS3 = (on) => {
    clearInterval(s3Timer);
    if (!on) return;
    s3Timer = setInterval(() => {
      const prefix = `${session.getSnapshot().identity?.subject ?? 'nobody'}/`;
      s3.send(new ListObjectsV2Command({ Bucket: config.bucket, Prefix: prefix })).then(
        () => (stats.s3Ok += 1),
        (error: unknown) => {
          const { name, message } = error as Error;
          stats.s3Failed.push(`${name}: ${message}`);
        },
      );
    }, 200);
  };
  session.start();
  render();
}

main().catch((error: unknown) => {
  output('status').textContent = `page error: ${String(error)}`;
});
