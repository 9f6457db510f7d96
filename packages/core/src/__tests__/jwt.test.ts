import { describe, expect, it } from 'vitest';
import { decodeJwt, InvalidParameterError } from '@fedcreds/core';

const b64url = (value: unknown) =>
  btoa(typeof value === 'string' ? value : JSON.stringify(value))
    .replace(/=+$/, '')
    .replace(/\+/g, '-')
    .replace(/\//g, '_');

const jwt = (header: unknown, payload: unknown, signature = 'c2ln') =>
  `${b64url(header)}.${b64url(payload)}.${signature}`;

function invalid(token: string): InvalidParameterError {
  try {
    decodeJwt(token);
  } catch (err) {
    expect(err).toBeInstanceOf(InvalidParameterError);
    return err as InvalidParameterError;
  }
  throw new Error('decodeJwt accepted a non-JWT');
}

describe('decodeJwt', () => {
  it('returns the header and the claims without verifying the signature', () => {
    const token = jwt(
      { alg: 'RS256', kid: 'k1' },
      { iss: 'https://idp', sub: 'alice', aud: ['app'], exp: 2000, iat: 1000 },
    );
    expect(decodeJwt(token)).toEqual({
      header: { alg: 'RS256', kid: 'k1' },
      payload: { iss: 'https://idp', sub: 'alice', aud: ['app'], exp: 2000, iat: 1000 },
    });
  });

  it('decodes UTF-8 claims and base64url characters', () => {
    const payload = { name: 'Zoë ✓', sub: '>>>???' };
    const header = { alg: 'none' };
    const bytes = new TextEncoder().encode(JSON.stringify(payload));
    const encoded = btoa(String.fromCharCode(...bytes))
      .replace(/=+$/, '')
      .replace(/\+/g, '-')
      .replace(/\//g, '_');
    expect(decodeJwt(`${b64url(header)}.${encoded}.`).payload).toEqual(payload);
  });

  it.each([
    ['an empty string', ''],
    ['two parts', 'abc.def'],
    ['four parts', 'a.b.c.d'],
    ['a header that is not base64url', `***.${b64url({ sub: 'a' })}.sig`],
    ['a payload that is not JSON', `${b64url({ alg: 'RS256' })}.${b64url('not json')}.sig`],
    ['a payload that is an array', `${b64url({ alg: 'RS256' })}.${b64url([1, 2])}.sig`],
    ['a non-numeric exp', jwt({ alg: 'RS256' }, { exp: 'tomorrow' })],
    ['a signature with bad characters', `${b64url({ alg: 'RS256' })}.${b64url({})}.a+b/c`],
  ])('rejects %s as InvalidParameterError naming WebIdentityToken', (_label, token) => {
    expect(invalid(token).parameter).toBe('WebIdentityToken');
  });

  it('never quotes the token in its error', () => {
    const secretish = `${b64url({ alg: 'RS256' })}.${b64url('{"sub":"secret-claim-value"')}.sig`;
    const err = invalid(secretish);
    expect(err.message).not.toContain('secret-claim-value');
    expect(JSON.stringify(err)).not.toContain(secretish);
    expect(err.cause).toBeUndefined();
  });
});
