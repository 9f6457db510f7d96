import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { decodeSamlAssertion, parseSamlRoles, SAMLCredentials } from '@fedcreds/core';
import { startDevstack } from '@fedcreds/devstack';
import type { Devstack } from '@fedcreds/devstack';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
// The reference relay of docs/aws-setup.md, imported as a user would deploy it.
import {
  createRelayServer,
  handler,
  MAX_BODY_BYTES,
} from '../../examples/saml-acs-relay/relay.mjs';

const APP_URL = 'https://app.example.com/saml';

let devstack: Devstack;
let relay: Server;
let acsUrl: string;

beforeAll(async () => {
  devstack = await startDevstack({ ephemeralPorts: true });
  relay = createRelayServer({ appUrl: APP_URL });
  await new Promise<void>((resolve) => relay.listen(0, '127.0.0.1', resolve));
  acsUrl = `http://127.0.0.1:${(relay.address() as AddressInfo).port}/saml/acs`;
});
afterAll(async () => {
  await new Promise<void>((resolve) => relay.close(() => resolve()));
  await devstack.stop();
});
afterEach(() => vi.restoreAllMocks());

const form = (fields: Record<string, string>) => ({
  method: 'POST',
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  body: new URLSearchParams(fields).toString(),
  redirect: 'manual' as const,
});

describe('the SAML ACS relay (examples/saml-acs-relay)', () => {
  it("hands the IdP's signed response to the app in the fragment, and STS accepts it", async () => {
    const samlResponse = await devstack.saml.issueAssertion({ username: 'alice' });
    const logged = [
      vi.spyOn(console, 'log'),
      vi.spyOn(console, 'error'),
      vi.spyOn(console, 'info'),
    ];

    const res = await fetch(acsUrl, form({ SAMLResponse: samlResponse, RelayState: '/files' }));

    expect(res.status).toBe(303);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    expect(await res.text()).toBe('');
    const location = new URL(res.headers.get('location')!);
    expect(`${location.origin}${location.pathname}${location.search}`).toBe(APP_URL);
    const fragment = new URLSearchParams(location.hash.slice(1));
    expect(fragment.get('RelayState')).toBe('/files');
    const handedOver = fragment.get('SAMLResponse')!;
    expect(handedOver).toBe(samlResponse.replace(/\s+/g, ''));
    for (const spy of logged) expect(spy).not.toHaveBeenCalled();

    // What the page then does: pick a role from the assertion and call AssumeRoleWithSAML.
    const [role] = parseSamlRoles(decodeSamlAssertion(handedOver));
    const credentials = new SAMLCredentials(
      { RoleArn: role!.roleArn, PrincipalArn: role!.principalArn, SAMLAssertion: handedOver },
      { endpoint: devstack.urls.sts, region: devstack.config.region },
    );
    await credentials.getPromise();
    expect(credentials.accessKeyId).toMatch(/^ASIA/);
  });

  it('never redirects anywhere but the configured app, whatever RelayState says', async () => {
    const samlResponse = await devstack.saml.issueAssertion({ username: 'alice' });
    const res = await fetch(
      acsUrl,
      form({ SAMLResponse: samlResponse, RelayState: 'https://evil.example/steal' }),
    );
    expect(new URL(res.headers.get('location')!).origin).toBe('https://app.example.com');
  });

  it.each([
    ['a GET', { method: 'GET' }, 405],
    [
      'a JSON body',
      { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' },
      415,
    ],
    ['no SAMLResponse', form({ RelayState: 'x' }), 400],
    ['a SAMLResponse that is not base64', form({ SAMLResponse: '<samlp:Response/>' }), 400],
    ['a body over the limit', form({ SAMLResponse: 'A'.repeat(MAX_BODY_BYTES + 1) }), 413],
  ])('refuses %s without echoing it', async (_name, init, status) => {
    const res = await fetch(acsUrl, { ...init, redirect: 'manual' });
    expect(res.status).toBe(status);
    expect(res.headers.get('location')).toBeNull();
    const text = await res.text();
    expect(text).not.toContain('samlp');
    expect(text.length).toBeLessThan(200);
  });

  it('runs as a Lambda function URL handler, base64-encoded bodies included', async () => {
    const samlResponse = await devstack.saml.issueAssertion({ username: 'bob' });
    vi.stubEnv('APP_URL', APP_URL);
    try {
      const body = new URLSearchParams({ SAMLResponse: samlResponse }).toString();
      const result = await handler({
        requestContext: { http: { method: 'POST' } },
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: Buffer.from(body).toString('base64'),
        isBase64Encoded: true,
      });
      expect(result.statusCode).toBe(303);
      const fragment = new URLSearchParams(new URL(result.headers.location!).hash.slice(1));
      expect(fragment.get('SAMLResponse')).toBe(samlResponse.replace(/\s+/g, ''));
    } finally {
      vi.unstubAllEnvs();
    }
  });
});
