// SDK v3's own web-identity provider, as an app would use it.
// The package's browser index (its "browser" map has no .js extension, which esbuild does not match).
import { fromWebToken } from '@aws-sdk/credential-providers/dist-es/index.browser.js';

declare const idToken: string;
export const credentials = fromWebToken({
  roleArn: 'arn:aws:iam::123456789012:role/web',
  webIdentityToken: idToken,
});
