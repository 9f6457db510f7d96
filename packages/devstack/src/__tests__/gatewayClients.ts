// Shared by the dev stack and gateway tests (not a test file itself): SDK clients for the gateway,
// made the one way those tests need them.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';

/** What an SDK client signs with: long-term keys, or temporary ones with their session token. */
export interface Keys {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

/** The bucket and the table of the default configuration. */
export const BUCKET = 'fedcreds-demo';
export const TABLE = 'fedcreds-demo';

// One attempt each: SDK v3 retries signature errors as clock skew, which would blur the counts.

/** An S3 client (path-style) for the gateway at `endpoint`, signing for `region`. */
export function s3Client(endpoint: string, region: string, credentials: Keys): S3Client {
  return new S3Client({ endpoint, forcePathStyle: true, region, credentials, maxAttempts: 1 });
}

/** A DynamoDB client for the gateway at `endpoint`, signing for `region`. */
export function dynamoClient(endpoint: string, region: string, credentials: Keys): DynamoDBClient {
  return new DynamoDBClient({ endpoint, region, credentials, maxAttempts: 1 });
}
