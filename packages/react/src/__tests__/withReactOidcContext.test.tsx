import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { act, fireEvent, render, screen } from '@testing-library/react';
import { DEMO_CLIENT_ID } from '@fedcreds/devstack';
import { StrictMode } from 'react';
import { describe, expect, it } from 'vitest';
import { WEB_ROLE, devstackForFile, signInAtIdp, stsCalls, tokenGrants } from './harness.js';
import { App, createUserManager } from './withReactOidcContext.js';

const devstack = devstackForFile();

describe('fedcreds beside react-oidc-context, sharing one UserManager', () => {
  it('completes the sign-in once for both, shows the profile and the credentials, and signs both out', async () => {
    const settings = {
      authority: devstack.urls.oidc,
      client_id: DEMO_CLIENT_ID,
      redirect_uri: `${location.origin}/`,
      scope: 'openid profile offline_access',
    };
    history.replaceState(null, '', await signInAtIdp(settings));
    const codesBefore = tokenGrants(devstack, 'authorization_code');
    const stsBefore = stsCalls(devstack);

    render(
      <StrictMode>
        <App
          userManager={createUserManager(settings)}
          roleArn={devstack.roleArn(WEB_ROLE)}
          region={devstack.config.region}
          stsEndpoint={devstack.urls.sts}
        />
      </StrictMode>,
    );
    await screen.findByText('ready', undefined, { timeout: 20_000 });

    // react-oidc-context saw the user fedcreds signed in: one code exchange, one STS call.
    expect(screen.getByTestId('name').textContent).toBe('Alice');
    expect(tokenGrants(devstack, 'authorization_code') - codesBefore).toBe(1);
    expect(stsCalls(devstack) - stsBefore).toBe(1);

    await act(async () => fireEvent.click(screen.getByText('Sign out')));
    await screen.findByText('Sign in');
  });
});

describe('the README', () => {
  it('shows withReactOidcContext.tsx as its react-oidc-context example', () => {
    const readme = readFileSync(join(import.meta.dirname, '../../README.md'), 'utf8');
    const block = /<!-- withReactOidcContext\.tsx -->\n```tsx\n([\s\S]*?)\n```/.exec(readme)?.[1];
    const source = readFileSync(join(import.meta.dirname, 'withReactOidcContext.tsx'), 'utf8');
    // The file's two header comment lines are not part of the example.
    expect(block).toBe(source.split('\n').slice(2).join('\n').trimEnd());
  });
});
