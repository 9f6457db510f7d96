import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import {
  AbortedError,
  describeError,
  IdentityChangedError,
  ERROR_SENTENCES,
  InvalidParameterError,
  NetworkError,
  ReauthRequiredError,
  SignedOutError,
  StsError,
} from '@fedcreds/core';

/**
 * The members of the `FedcredsErrorCode` union, read from errors.ts by the TypeScript compiler:
 * the list follows the type, so a code added there without a sentence fails this file even when
 * nobody runs the type checker.
 */
function fedcredsErrorCodes(): string[] {
  const file = fileURLToPath(new URL('../errors.ts', import.meta.url));
  const program = ts.createProgram([file], { noLib: true, noResolve: true, types: [] });
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(file);
  const alias = source?.statements.find(
    (statement): statement is ts.TypeAliasDeclaration =>
      ts.isTypeAliasDeclaration(statement) && statement.name.text === 'FedcredsErrorCode',
  );
  if (alias === undefined) throw new Error('errors.ts no longer declares FedcredsErrorCode');
  const type = checker.getTypeAtLocation(alias.name);
  const members = type.isUnion() ? type.types : [type];
  return members.map((member) => {
    if (!member.isStringLiteral()) throw new Error('FedcredsErrorCode has a non-literal member');
    return member.value;
  });
}

describe('describeError', () => {
  const codes = fedcredsErrorCodes();

  it('has a sentence for every code of the FedcredsErrorCode union, and none for a code it lacks', () => {
    expect(codes.length).toBeGreaterThan(20);
    expect(Object.keys(ERROR_SENTENCES).sort()).toEqual([...codes].sort());
  });

  it.each(codes)(
    'speaks to end users for %s: a sentence with no code, class or API name',
    (code) => {
      const sentence = ERROR_SENTENCES[code as keyof typeof ERROR_SENTENCES];
      expect(sentence).toMatch(/^[A-Z].{9,89}[.]$/);
      expect(sentence).not.toMatch(/ERR_|Error\b|Exception|\(\)|signIn|STS|fault/);
    },
  );

  it('gives a FedcredsError its code’s sentence and a developer detail with code, wire code and request id', () => {
    const error = new StsError(
      'ERR_STS_ACCESS_DENIED',
      'AssumeRole failed with AccessDenied.',
      false,
      {
        wireCode: 'AccessDenied',
        requestId: 'req-42',
        statusCode: 403,
      },
    );
    expect(describeError(error)).toEqual({
      sentence: 'Your account is not allowed to use this AWS role.',
      detail:
        'StsError ERR_STS_ACCESS_DENIED (AccessDenied): AssumeRole failed with AccessDenied. [request req-42]',
      code: 'ERR_STS_ACCESS_DENIED',
      retryable: false,
      needsSignIn: false,
    });
  });

  it('keeps the developer wording out of the sentence (signed out, injected faults)', () => {
    const signedOut = describeError(
      new SignedOutError('ERR_SIGNED_OUT … call signIn() to start again'),
    );
    expect(signedOut.sentence).toBe('You are signed out.');
    expect(signedOut.detail).toContain('call signIn()');
    expect(signedOut.needsSignIn).toBe(true);
    const injected = describeError(new NetworkError('STS request failed (Injected fault)'));
    expect(injected).toMatchObject({
      sentence: 'Could not reach AWS. Check your connection.',
      retryable: true,
    });
    expect(injected.sentence).not.toContain('Injected');
  });

  it('tells “nobody signed in” from “sign in again”, both needing a sign-in', () => {
    expect(describeError(new ReauthRequiredError('signed_out'))).toMatchObject({
      sentence: 'You are signed out.',
      needsSignIn: true,
    });
    expect(describeError(new ReauthRequiredError('invalid_grant'))).toMatchObject({
      sentence: 'Your sign-in has ended. Please sign in again.',
      needsSignIn: true,
    });
    expect(
      describeError(new IdentityChangedError({ subject: 'alice' }, { subject: 'bob' })),
    ).toMatchObject({
      sentence:
        'A different account signed in meanwhile (perhaps in another tab). Please sign in again to continue.',
      needsSignIn: true,
    });
    expect(describeError(new AbortedError()).needsSignIn).toBe(false);
    expect(describeError(new InvalidParameterError('roleArn', 'is not an ARN')).detail).toBe(
      'InvalidParameterError ERR_INVALID_PARAMETER: Invalid parameter roleArn: is not an ARN',
    );
  });

  it('describes AWS service errors by their name, fetch failures as the network, anything else generically', () => {
    const denied = Object.assign(new Error('User is not authorized to perform: s3:PutObject'), {
      name: 'AccessDenied',
    });
    expect(describeError(denied)).toEqual({
      sentence: 'You are not allowed to do that.',
      detail: 'AccessDenied: User is not authorized to perform: s3:PutObject',
      code: undefined,
      retryable: false,
      needsSignIn: false,
    });
    expect(describeError(new TypeError('Failed to fetch')).sentence).toBe(
      'Could not reach AWS. Check your connection.',
    );
    expect(describeError('boom')).toMatchObject({
      sentence: 'Something went wrong. Please try again.',
      detail: 'boom',
    });
    // A name that happens to be an Object.prototype member is not a sentence.
    expect(describeError({ name: 'toString' }).sentence).toBe(
      'Something went wrong. Please try again.',
    );
  });
});
