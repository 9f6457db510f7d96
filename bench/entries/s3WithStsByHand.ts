// The S3Client app with client-sts called by hand.
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { credentials } from './stsByHand.js';

export const s3 = new S3Client({ region: 'eu-west-1', credentials });
export const get = (Key: string) => s3.send(new GetObjectCommand({ Bucket: 'b', Key }));
