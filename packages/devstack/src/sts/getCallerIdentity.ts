import type { StsAction } from './stsAction.js';

/** GetCallerIdentity: who signed the request. */
export const getCallerIdentity: StsAction = async (ctx) => {
  const caller = await ctx.authenticate();
  return { UserId: caller.userId, Account: ctx.config.accountId, Arn: caller.arn };
};
