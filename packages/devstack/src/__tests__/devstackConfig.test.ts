import { describe, expect, it } from 'vitest';
import {
  defaultDevstackConfig,
  defineDevstackConfig,
  DevstackConfigError,
  resolveDevstackConfig,
} from '@fedcreds/devstack';
import type { DevstackOptions } from '@fedcreds/devstack';

const role = defaultDevstackConfig().roles[0]!;

describe('devstack configuration', () => {
  it.each<[string, DevstackOptions, string]>([
    ['a typo', { rolez: [] } as DevstackOptions, 'config.rolez is not a known option'],
    ['a bad account id', { accountId: '42' }, 'config.accountId must be a 12-digit account id'],
    [
      'a bad effect',
      { roles: [{ ...role, policies: [{ Statement: { Effect: 'Allow', Action: 's3:*' } }] }] },
      'config.roles[0].policies[0].Statement needs exactly one of Resource or NotResource',
    ],
    [
      'a trust policy without a principal',
      {
        roles: [
          {
            name: 'r',
            trustPolicy: { Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole' }] },
          },
        ],
      },
      'config.roles[0].trustPolicy.Statement[0] a trust policy statement needs exactly one of Principal or NotPrincipal',
    ],
    [
      'an unknown managed policy',
      { roles: [{ name: 'r', managedPolicyArns: ['arn:aws:iam::123456789012:policy/none'] }] },
      'config.roles[0].managedPolicyArns[0] no managed policy arn:aws:iam::123456789012:policy/none',
    ],
    [
      'two roles of one name',
      { roles: [{ name: 'r' }, { name: 'r' }] },
      'config.roles[1].name "r" is used by two roles',
    ],
    [
      'trust policy and shorthand together',
      { roles: [{ name: 'r', trustPolicy: role.trustPolicy!, assumableBy: ['ci-user'] }] },
      'config.roles[0] sets trustPolicy and a trust shorthand',
    ],
    [
      'a bad condition operator',
      {
        roles: [
          {
            name: 'r',
            policies: [
              {
                Version: '2012-10-17',
                Statement: [
                  {
                    Effect: 'Allow',
                    Action: 's3:*',
                    Resource: '*',
                    Condition: { StringEqual: { a: 'b' } },
                  },
                ],
              },
            ],
          },
        ],
      },
      'config.roles[0].policies[0].Statement[0].Condition.StringEqual is not a condition operator',
    ],
  ])('refuses %s, naming the field', (_, options, message) => {
    const attempt = () => resolveDevstackConfig(options);
    expect(attempt).toThrow(DevstackConfigError);
    expect(attempt).toThrow(message);
  });

  it('builds the default roles for the account and region in use', () => {
    const config = resolveDevstackConfig({ region: 'eu-west-1', accountId: '210987654321' });
    const text = JSON.stringify(config.roles);
    expect(text).toContain('arn:aws:dynamodb:eu-west-1:210987654321:table/fedcreds-demo');
    expect(text).toContain('arn:aws:iam::210987654321:oidc-provider/127.0.0.1:9010');
    expect(text).not.toContain('123456789012');
  });

  it('defineDevstackConfig returns its options unchanged', () => {
    const options = { region: 'eu-west-1' };
    expect(defineDevstackConfig(options)).toBe(options);
  });
});
