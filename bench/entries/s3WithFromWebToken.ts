// The S3Client app with SDK v3's fromWebToken.
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
// The package's browser index (its "browser" map has no .js extension, which esbuild does not match).
import { fromWebToken } from '@aws-sdk/credential-providers/dist-es/index.browser.js';

declare const idToken: string;
export const s3 = new S3Client({
  region: 'eu-west-1',
  credentials: fromWebToken({
    roleArn: 'arn:aws:iam::123456789012:role/web',
    webIdentityToken: idToken,
  }),
});
export const get = (Key: string) => s3.send(new GetObjectCommand({ Bucket: 'b', Key }));
