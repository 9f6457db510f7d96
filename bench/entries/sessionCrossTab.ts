// fedcreds' session engine with cross-tab groups: the session entry plus `crossTab()`.
import {
  WebIdentityCredentials,
  callbackTokenSource,
  createFederatedSession,
  crossTab,
} from '@fedcreds/core';

declare const getIdToken: () => Promise<string>;
export const session = createFederatedSession({
  credentials: new WebIdentityCredentials({ RoleArn: 'arn:aws:iam::123456789012:role/web' }),
  tokenSource: callbackTokenSource(getIdToken),
  crossTab: crossTab(),
});
