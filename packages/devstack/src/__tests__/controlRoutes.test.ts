import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_ORIGIN, startDevstack } from '@fedcreds/devstack';
import type { Devstack } from '@fedcreds/devstack';
import { sendRaw } from './rawSigned.js';

const FOREIGN_ORIGIN = 'http://evil.test';

describe('control routes', () => {
  let devstack: Devstack;

  beforeAll(async () => {
    devstack = await startDevstack({ ephemeralPorts: true });
  });

  afterAll(async () => {
    await devstack?.stop();
  });

  /** A GetCallerIdentity as ci-user: fails with the injected code while a fault is queued. */
  const callerIdentity = () =>
    new STSClient({
      endpoint: devstack.urls.sts,
      region: devstack.config.region,
      credentials: devstack.config.accessKeys[0]!,
      maxAttempts: 1,
    }).send(new GetCallerIdentityCommand({}));

  const servers = () => [
    { name: 'STS', url: devstack.urls.sts },
    { name: 'gateway', url: devstack.urls.gateway },
  ];

  it('refuse a fault a foreign page can post without a preflight (text/plain, no custom header)', async () => {
    // What a form or fetch(…, { mode: 'no-cors' }) on any web page may send to 127.0.0.1.
    const answer = await fetch(`${devstack.urls.sts}/__devstack/faults`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain', origin: FOREIGN_ORIGIN },
      body: '{"code":"Throttling","count":100}',
    });
    expect(answer.status).toBe(403);
    expect(answer.headers.get('access-control-allow-origin')).toBeNull();
    await expect(callerIdentity()).resolves.toHaveProperty('Arn');
  });

  it.each(['stats', 'log'])(
    'refuse GET /__devstack/%s without the control header',
    async (route) => {
      for (const { url } of servers()) {
        const answer = await fetch(`${url}/__devstack/${route}`);
        expect(answer.status).toBe(403);
      }
    },
  );

  it('refuse the preflight that the control header needs from a foreign origin, allow it from the demo', async () => {
    for (const { url } of servers()) {
      const preflight = (origin: string) =>
        fetch(`${url}/__devstack/faults`, {
          method: 'OPTIONS',
          headers: {
            origin,
            'access-control-request-method': 'POST',
            'access-control-request-headers': 'content-type,x-devstack-control',
          },
        });
      const foreign = await preflight(FOREIGN_ORIGIN);
      expect(foreign.status).toBe(403);
      expect(foreign.headers.get('access-control-allow-origin')).toBeNull();
      const demo = await preflight(DEMO_ORIGIN);
      expect(demo.status).toBe(204);
      expect(demo.headers.get('access-control-allow-origin')).toBe(DEMO_ORIGIN);
      expect(demo.headers.get('access-control-allow-headers')).toContain('x-devstack-control');
    }
  });

  it('refuse a control request under a non-loopback Host (DNS rebinding)', async () => {
    for (const { url } of servers()) {
      const answer = await sendRaw(url, {
        method: 'GET',
        path: '/__devstack/stats',
        headers: { host: 'rebound.evil.test', 'x-devstack-control': '1' },
      });
      expect(answer.status).toBe(403);
    }
  });

  it('answer a control request with the header from the command line or the demo', async () => {
    const posted = await fetch(`${devstack.urls.sts}/__devstack/faults`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-devstack-control': '1',
        origin: DEMO_ORIGIN,
      },
      body: '{"code":"Throttling"}',
    });
    expect(posted.status).toBe(200);
    expect(posted.headers.get('access-control-allow-origin')).toBe(DEMO_ORIGIN);
    await expect(callerIdentity()).rejects.toMatchObject({ name: 'Throttling' });
    for (const { url } of servers()) {
      const stats = await fetch(`${url}/__devstack/stats`, {
        headers: { 'x-devstack-control': '1' },
      });
      expect(stats.status).toBe(200);
      expect(await stats.json()).toHaveProperty('requests');
    }
  });
});
