// fedcreds' session engine: a session over web identity with a callback token source.
import {
  WebIdentityCredentials,
  callbackTokenSource,
  createFederatedSession,
} from '@fedcreds/core';

declare const getIdToken: () => Promise<string>;
export const session = createFederatedSession({
  credentials: new WebIdentityCredentials({ RoleArn: 'arn:aws:iam::123456789012:role/web' }),
  tokenSource: callbackTokenSource(getIdToken),
});
