import { request } from 'node:http';
import dynalite from 'dynalite';
import type { DevstackConfig } from '../config.js';
import { closeServer } from '../http/serverLifecycle.js';
import { channelRequestOptions, listenOnChannel, requireBackendSecret } from './backendChannel.js';
import type { BackendChannel } from './backendChannel.js';

/** The in-memory DynamoDB (dynalite) behind the gateway, reachable only through it. */
export interface DynamoBackend {
  stop(): Promise<void>;
}

/**
 * Starts dynalite in memory on `channel`'s socket and creates the configured tables, ACTIVE by
 * the time this resolves.
 */
export async function startDynamoBackend(
  config: DevstackConfig,
  channel: BackendChannel,
): Promise<DynamoBackend> {
  // In memory (no `path`), so the native LevelDB binding is never needed.
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  requireBackendSecret(server, channel.secret);
  await listenOnChannel(server, channel);
  const backend: DynamoBackend = {
    stop: () => closeServer(server),
  };
  try {
    for (const table of config.gateway.tables) {
      await callDynalite(channel, config.region, 'CreateTable', {
        TableName: table.name,
        AttributeDefinitions: keyNames(table).map((name) => ({
          AttributeName: name,
          AttributeType: 'S',
        })),
        KeySchema: keyNames(table).map((name, index) => ({
          AttributeName: name,
          KeyType: index === 0 ? 'HASH' : 'RANGE',
        })),
        BillingMode: 'PAY_PER_REQUEST',
      });
    }
    for (const table of config.gateway.tables) {
      await waitForActive(channel, config.region, table.name);
    }
  } catch (err) {
    await backend.stop();
    throw err;
  }
  return backend;
}

/** The table's key attributes: partition key, then the sort key when it has one. */
function keyNames(table: DevstackConfig['gateway']['tables'][number]): string[] {
  return table.sortKey === undefined ? [table.partitionKey] : [table.partitionKey, table.sortKey];
}

async function waitForActive(
  channel: BackendChannel,
  region: string,
  tableName: string,
): Promise<void> {
  // createTableMs 0 still flips the status on a timer tick; a few polls are enough.
  for (let attempt = 0; attempt < 100; attempt++) {
    const described = (await callDynalite(channel, region, 'DescribeTable', {
      TableName: tableName,
    })) as { Table?: { TableStatus?: string } };
    if (described.Table?.TableStatus === 'ACTIVE') return;
    await new Promise((resolve) => setImmediate(resolve));
  }
  throw new Error(`devstack: DynamoDB table "${tableName}" did not become ACTIVE`);
}

/** One DynamoDB JSON call straight to dynalite, which checks the shape of auth but not its signature. */
function callDynalite(channel: BackendChannel, region: string, operation: string, input: unknown) {
  const body = JSON.stringify(input);
  const amzDate = new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d+/, '');
  return new Promise<unknown>((resolve, reject) => {
    const req = request(
      {
        method: 'POST',
        path: '/',
        ...channelRequestOptions(channel, {
          'content-type': 'application/x-amz-json-1.0',
          'content-length': Buffer.byteLength(body),
          'x-amz-target': `DynamoDB_20120810.${operation}`,
          'x-amz-date': amzDate,
          authorization: `AWS4-HMAC-SHA256 Credential=devstack/${amzDate.slice(0, 8)}/${region}/dynamodb/aws4_request, SignedHeaders=host, Signature=internal`,
        }),
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          if (res.statusCode !== 200) {
            reject(
              new Error(`devstack: DynamoDB ${operation} failed (${res.statusCode}): ${text}`),
            );
            return;
          }
          try {
            resolve(JSON.parse(text));
          } catch (err) {
            reject(err);
          }
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}
