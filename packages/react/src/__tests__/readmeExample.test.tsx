import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fireEvent, render, screen } from '@testing-library/react';
import { DEMO_CLIENT_ID } from '@fedcreds/devstack';
import { StrictMode } from 'react';
import { describe, expect, it } from 'vitest';
import { App } from './readmeExample.js';
import type { AppConfig } from './readmeExample.js';
import { BUCKET, WEB_ROLE, devstackForFile, signInAtIdp, stsCalls } from './harness.js';

const devstack = devstackForFile();

describe('the README example', () => {
  it('signs in through the redirect once under StrictMode, then saves and reads a note in S3', async () => {
    const config: AppConfig = {
      authority: devstack.urls.oidc,
      clientId: DEMO_CLIENT_ID,
      redirectUri: `${location.origin}/`,
      roleArn: devstack.roleArn(WEB_ROLE),
      region: devstack.config.region,
      bucket: BUCKET,
      stsEndpoint: devstack.urls.sts,
      s3Endpoint: devstack.urls.s3,
    };
    // The user went to the IdP and came back: the address carries `code` and `state`.
    const callbackUrl = await signInAtIdp({
      authority: config.authority,
      client_id: config.clientId,
      redirect_uri: config.redirectUri,
      scope: 'openid profile offline_access',
    });
    history.replaceState(null, '', callbackUrl);
    expect(location.search).toContain('code=');
    const codeExchangesBefore = devstack.stats().oidc.tokenGrants['authorization_code'] ?? 0;
    const stsBefore = stsCalls(devstack);

    render(
      <StrictMode>
        <App config={config} />
      </StrictMode>,
    );
    expect(screen.getByTestId('status').textContent).toMatch(/idle|loading/);
    await screen.findByText('Save a note to S3', undefined, { timeout: 20_000 });

    expect(
      (devstack.stats().oidc.tokenGrants['authorization_code'] ?? 0) - codeExchangesBefore,
    ).toBe(1);
    expect(stsCalls(devstack) - stsBefore).toBe(1);
    expect(location.search).toBe(''); // a reload will not replay the used code
    expect(screen.getByText(/these expire in \d+ s/)).toBeTruthy();

    fireEvent.click(screen.getByText('Save a note to S3'));
    const note = await screen.findByTestId('note', undefined, { timeout: 20_000 });
    expect(note.textContent).toMatch(/^Saved at /);
  });
});

describe('the README', () => {
  it('shows readmeExample.tsx as its complete example', () => {
    const readme = readFileSync(join(import.meta.dirname, '../../README.md'), 'utf8');
    const block = /<!-- readmeExample\.tsx -->\n```tsx\n([\s\S]*?)\n```/.exec(readme)?.[1];
    const source = readFileSync(join(import.meta.dirname, 'readmeExample.tsx'), 'utf8');
    // The file's two header comment lines are not part of the example.
    expect(block).toBe(source.split('\n').slice(2).join('\n').trimEnd());
  });
});
