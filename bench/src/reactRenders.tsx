/**
 * React renders per credential change: `consumers` components reading the whole state with
 * `useAwsCredentials()`, and one selecting only the status, under `<AwsCredentialsProvider>`,
 * rendered by react-dom into happy-dom (Node has no DOM) against the dev stack's STS, with React's
 * own scheduler (not `act`). Counted are commits (effects that ran), not renders React threw away.
 */
import { useEffect } from 'react';
import { createRoot } from 'react-dom/client';
import { Window } from 'happy-dom';
import {
  WebIdentityCredentials,
  callbackTokenSource,
  createFederatedSession,
  type FederatedSession,
  type SessionCoordinator,
} from '@fedcreds/core';
import { AwsCredentialsProvider, useAwsCredentials } from '@fedcreds/react';
import type { Devstack } from '@fedcreds/devstack';
import { linkedTabs } from '../../packages/core/src/__tests__/fixtures/linkedTabs.js';
import { mintToken } from './contenders.js';

/**
 * Commits per change: summed over the consumers of the whole state, summed over as many consumers
 * selecting only `credentials`, and of the one status-only consumer.
 */
export interface Commits {
  consumers: number;
  credentialsOnly: number;
  statusOnly: number;
}

/** {@link Commits} per kind of change. */
export interface RenderCounts {
  /** A forced refresh of the session itself (`refreshing`, then `ready` with new keys). */
  refresh: Commits;
  /** New credentials adopted from another tab: only the credentials change, not the status. */
  adoption: Commits;
}

function sessionFor(stack: Devstack, coordinator: SessionCoordinator, seconds: number) {
  return createFederatedSession({
    credentials: new WebIdentityCredentials(
      { RoleArn: stack.roleArn('fedcreds-demo-web'), DurationSeconds: seconds },
      { endpoint: stack.urls.sts, region: stack.config.region, maxAttempts: 1 },
    ),
    tokenSource: callbackTokenSource(() => mintToken(stack)),
    coordinator,
    environment: null,
  });
}

function until(session: FederatedSession, done: () => boolean): Promise<void> {
  return new Promise((resolve) => {
    const check = () => {
      if (!done()) return;
      unsubscribe();
      resolve();
    };
    const unsubscribe = session.subscribe(check);
    check();
  });
}

/** Lets React's scheduler commit what it has queued (a few macrotasks; a bench, not a test). */
async function settled(): Promise<void> {
  for (let i = 0; i < 3; i++) await new Promise((resolve) => setTimeout(resolve, 20));
}

/**
 * Mounts the consumers under a provider of one session, then counts their commits for a forced
 * refresh and for an adoption from a linked second session; restores the globals it set.
 */
export async function reactRenders(stack: Devstack, consumers = 50): Promise<RenderCounts> {
  const window = new Window({ url: 'http://127.0.0.1:5173/' });
  const globals = globalThis as Record<string, unknown>;
  const saved = { window: globals.window, document: globals.document };
  Object.assign(globals, { window, document: window.document });
  // Two tabs of one origin: what the other obtains, this one adopts.
  const tabs = linkedTabs();
  const session = sessionFor(stack, tabs.coordinator(), 900);
  const otherTab = sessionFor(stack, tabs.coordinator(), 3600);
  const commits: Commits = { consumers: 0, credentialsOnly: 0, statusOnly: 0 };
  function Consumer() {
    useAwsCredentials();
    useEffect(() => void (commits.consumers += 1));
    return null;
  }
  function CredentialsOnly() {
    useAwsCredentials((state) => state.credentials);
    useEffect(() => void (commits.credentialsOnly += 1));
    return null;
  }
  function StatusOnly() {
    useAwsCredentials((state) => state.status);
    useEffect(() => void (commits.statusOnly += 1));
    return null;
  }
  const container = window.document.createElement('div');
  window.document.body.appendChild(container);
  const root = createRoot(container as unknown as HTMLElement);
  const since = (before: Commits): Commits => ({
    consumers: commits.consumers - before.consumers,
    credentialsOnly: commits.credentialsOnly - before.credentialsOnly,
    statusOnly: commits.statusOnly - before.statusOnly,
  });
  try {
    root.render(
      <AwsCredentialsProvider session={session}>
        {Array.from({ length: consumers }, (_, i) => (
          <Consumer key={i} />
        ))}
        {Array.from({ length: consumers }, (_, i) => (
          <CredentialsOnly key={i} />
        ))}
        <StatusOnly />
      </AwsCredentialsProvider>,
    );
    await until(session, () => session.getSnapshot().status === 'ready');
    await settled();
    let before = { ...commits };
    await session.refresh({ force: true });
    await settled();
    const refresh = since(before);

    before = { ...commits };
    const key = session.getSnapshot().credentials?.accessKeyId;
    otherTab.start();
    await until(session, () => session.getSnapshot().credentials?.accessKeyId !== key);
    await settled();
    const adoption = since(before);
    return { refresh, adoption };
  } finally {
    root.unmount();
    otherTab.stop();
    session.stop();
    // React's scheduler may still hold work queued by the unmount (it reads `window`): let it run
    // before the globals go.
    await settled();
    await window.happyDOM.close();
    Object.assign(globals, saved);
  }
}
