import { readMfaParams, verifyMfa } from './checkMfa.js';
import { credentialsXml } from './stsAction.js';
import type { StsAction } from './stsAction.js';
import { StsError } from './stsError.js';
import { issuedSeconds, MIN_DURATION_SECONDS } from './stsParams.js';

/** GetSessionToken's default and maximum session lengths for IAM users. */
export const SESSION_TOKEN_DEFAULT_SECONDS = 43200;
export const SESSION_TOKEN_MAX_SECONDS = 129600;

/** GetSessionToken: temporary credentials for an IAM user, optionally MFA-authenticated. */
export const getSessionToken: StsAction = async (ctx) => {
  const { params, config } = ctx;
  const caller = await ctx.authenticate();
  const requested = params.integer(
    'DurationSeconds',
    MIN_DURATION_SECONDS,
    SESSION_TOKEN_MAX_SECONDS,
  );
  const mfa = readMfaParams(params);
  params.throwIfInvalid();
  if (caller.kind !== 'long-term' || caller.userName === undefined) {
    throw new StsError('AccessDenied', 'Cannot call GetSessionToken with session credentials');
  }
  const mfaPresented = verifyMfa(config, caller, mfa, ctx.now);
  const credential = ctx.store.issue({
    kind: 'session-token',
    durationSeconds: issuedSeconds(config, requested ?? SESSION_TOKEN_DEFAULT_SECONDS),
    userName: caller.userName,
    mfaAuthenticated: mfaPresented,
    now: ctx.now,
  });
  return { Credentials: credentialsXml(credential) };
};
