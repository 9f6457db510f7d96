/**
 * Input checks that need no server: the ARN shapes of every AWS partition, and constructor
 * arguments that are not objects at all. What each class refuses on the wire path (and that no
 * request goes out) is in credentials.behaviour.test.ts.
 */
import { describe, expect, it } from 'vitest';
import {
  ChainableTemporaryCredentials,
  Credentials,
  InvalidParameterError,
  SAMLCredentials,
  WebIdentityCredentials,
  validateAssumeRoleParams,
  validateSamlParams,
  validateWebIdentityParams,
} from '@fedcreds/core';

/** The thrown error, which must be an `InvalidParameterError`. */
function invalid(attempt: () => unknown): InvalidParameterError {
  try {
    attempt();
  } catch (err) {
    expect(err).toBeInstanceOf(InvalidParameterError);
    return err as InvalidParameterError;
  }
  throw new Error('accepted');
}

// The partitions of AWS SDK v3's partitions.json (@aws-sdk/util-endpoints, 3.1169).
const PARTITIONS = [
  'aws',
  'aws-cn',
  'aws-us-gov',
  'aws-iso',
  'aws-iso-b',
  'aws-iso-e',
  'aws-iso-f',
  'aws-eusc',
];

describe('ARN checks', () => {
  it.each(PARTITIONS)('accept role, SAML provider and policy ARNs of partition %s', (partition) => {
    const params = {
      RoleArn: `arn:${partition}:iam::123456789012:role/web`,
      PrincipalArn: `arn:${partition}:iam::123456789012:saml-provider/corp-idp`,
      PolicyArns: [
        { arn: `arn:${partition}:iam::aws:policy/ReadOnlyAccess` },
        { arn: `arn:${partition}:iam::123456789012:policy/team/own-policy` },
      ],
    };
    expect(() => validateSamlParams(params, { tokenOptional: true })).not.toThrow();
    expect(() => validateAssumeRoleParams(params)).not.toThrow();
  });

  it.each(['arn:aws-moon:iam', 'arn:awsx:iam', 'arn:aws-iso-z:iam', 'arn:AWS:iam', 'arn::iam'])(
    'refuse the partition of %s::123456789012:role/web',
    (prefix) => {
      const err = invalid(() =>
        validateAssumeRoleParams({ RoleArn: `${prefix}::123456789012:role/web` }),
      );
      expect(err.parameter).toBe('RoleArn');
    },
  );

  it.each(['role/web', 'role/service-role/web', 'role/team/app/web-Reader_1+=,.@-'])(
    'accept the role path %s',
    (resource) => {
      expect(() =>
        validateAssumeRoleParams({ RoleArn: `arn:aws:iam::123456789012:${resource}` }),
      ).not.toThrow();
    },
  );

  it.each([
    'role/',
    'role//web',
    'role/team//web',
    'role/team/',
    'role/we b',
    `role/${'r'.repeat(65)}`,
  ])('refuse the role resource %s', (resource) => {
    const err = invalid(() =>
      validateAssumeRoleParams({ RoleArn: `arn:aws:iam::123456789012:${resource}` }),
    );
    expect(err.parameter).toBe('RoleArn');
  });

  it('names the hole of a sparse PolicyArns and a null entry', () => {
    const sparse = [{ arn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' }];
    sparse[2] = { arn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' };
    const base = { RoleArn: 'arn:aws:iam::123456789012:role/web' };
    expect(invalid(() => validateAssumeRoleParams({ ...base, PolicyArns: sparse })).parameter).toBe(
      'PolicyArns[1]',
    );
    expect(invalid(() => validateAssumeRoleParams({ ...base, PolicyArns: [null] })).parameter).toBe(
      'PolicyArns[0]',
    );
  });
});

describe('constructor arguments that are not objects', () => {
  it.each([undefined, null, 'arn:aws:iam::123456789012:role/web', 42])(
    'WebIdentityCredentials(%s) and SAMLCredentials(%s) name params',
    (value) => {
      const web = invalid(() => new WebIdentityCredentials(value as never));
      expect(web.parameter).toBe('params');
      expect(web.message).toMatch(/RoleArn/);
      const saml = invalid(() => new SAMLCredentials(value as never));
      expect(saml.parameter).toBe('params');
      expect(saml.message).toMatch(/RoleArn/);
    },
  );

  it.each([null, 'AKIA', 42])('ChainableTemporaryCredentials(%s) names options', (value) => {
    expect(invalid(() => new ChainableTemporaryCredentials(value as never)).parameter).toBe(
      'options',
    );
  });

  it.each(['AKIA', 'string params'])(
    'ChainableTemporaryCredentials({ params: %j }) names params',
    (value) => {
      const err = invalid(
        () =>
          new ChainableTemporaryCredentials({
            params: value as never,
            masterCredentials: new Credentials('AKIAEXAMPLE', 'secret'),
          }),
      );
      expect(err.parameter).toBe('params');
    },
  );

  it.each<[string, unknown]>([
    ['a string', 'AKIAEXAMPLE'],
    ['a number', 42],
    ['an object without keys', {}],
    ['an object with an empty secret', { accessKeyId: 'AKIAEXAMPLE', secretAccessKey: '' }],
  ])('ChainableTemporaryCredentials refuses masterCredentials that are %s', (_label, master) => {
    const err = invalid(
      () =>
        new ChainableTemporaryCredentials({
          params: { RoleArn: 'arn:aws:iam::123456789012:role/web' },
          masterCredentials: master as never,
        }),
    );
    expect(err.parameter).toBe('masterCredentials');
    expect(err.message).not.toContain('AKIAEXAMPLE');
  });

  it('accepts masterCredentials as Credentials, a provider, or fixed keys', () => {
    const params = { RoleArn: 'arn:aws:iam::123456789012:role/web' };
    const keys = { accessKeyId: 'AKIAEXAMPLE', secretAccessKey: 'secret' };
    for (const masterCredentials of [new Credentials(keys), () => Promise.resolve(keys), keys]) {
      expect(() => new ChainableTemporaryCredentials({ params, masterCredentials })).not.toThrow();
    }
  });

  it('keeps validateWebIdentityParams typed on a non-object', () => {
    expect(invalid(() => validateWebIdentityParams(null as never)).parameter).toBe('params');
  });
});
