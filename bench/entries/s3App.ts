// The baseline: an app that already ships S3Client (credentials from elsewhere).
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';

declare const credentials: () => Promise<{ accessKeyId: string; secretAccessKey: string }>;
export const s3 = new S3Client({ region: 'eu-west-1', credentials });
export const get = (Key: string) => s3.send(new GetObjectCommand({ Bucket: 'b', Key }));
