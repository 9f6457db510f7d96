// fedcreds: one WebIdentityCredentials handed to SDK v3 clients as a provider.
import { WebIdentityCredentials } from '@fedcreds/core';

declare const idToken: string;
export const credentials = new WebIdentityCredentials({
  RoleArn: 'arn:aws:iam::123456789012:role/web',
  WebIdentityToken: idToken,
}).toProvider();
