// The S3Client app with fedcreds' full session engine providing its credentials.
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import {
  WebIdentityCredentials,
  callbackTokenSource,
  createFederatedSession,
} from '@fedcreds/core';

declare const getIdToken: () => Promise<string>;
const session = createFederatedSession({
  credentials: new WebIdentityCredentials({ RoleArn: 'arn:aws:iam::123456789012:role/web' }),
  tokenSource: callbackTokenSource(getIdToken),
});
export const s3 = new S3Client({ region: 'eu-west-1', credentials: session.credentialProvider });
export const get = (Key: string) => s3.send(new GetObjectCommand({ Bucket: 'b', Key }));
