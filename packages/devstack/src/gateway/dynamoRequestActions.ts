import type { DevstackConfig } from '../config.js';
import type { RequiredPermission } from './s3RequestActions.js';

/** A DynamoDB request as the gateway parsed it: the operation (`X-Amz-Target`) and its JSON input. */
export interface DynamoAuthorizationRequest {
  service: 'dynamodb';
  /** Operation name (`GetItem`), from `X-Amz-Target: DynamoDB_20120810.GetItem`. */
  operation: string;
  /** The parsed JSON body (`undefined` when it is not JSON: then no table is named). */
  input: unknown;
}

type Json = Record<string, unknown>;
const isJson = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** A key that could not be read from a request that must name one; fails closed. */
export class UnreadableLeadingKeyError extends Error {
  override readonly name = 'UnreadableLeadingKeyError';
}

/** The string a key attribute value (`{ "S": "alice" }`, `{ "N": "5" }`) compares as. */
function scalar(value: unknown): string | undefined {
  if (!isJson(value)) return undefined;
  for (const type of ['S', 'N', 'B']) {
    if (typeof value[type] === 'string') return value[type];
  }
  return undefined;
}

/** Table name from a `TableName` that may also be a table ARN. */
const tableName = (value: unknown) =>
  typeof value === 'string'
    ? value.replace(/^arn:aws:dynamodb:[^:]*:[^:]*:table\//, '')
    : undefined;

/**
 * The partition key value a Query's `KeyConditionExpression` (or legacy `KeyConditions`) fixes:
 * DynamoDB requires an equality on the partition key, so a Query whose value cannot be read is
 * refused rather than evaluated without `dynamodb:LeadingKeys`.
 */
function queryLeadingKey(input: Json, partitionKey: string): string {
  const expression = input.KeyConditionExpression;
  if (typeof expression === 'string') {
    const names = isJson(input.ExpressionAttributeNames) ? input.ExpressionAttributeNames : {};
    const values = isJson(input.ExpressionAttributeValues) ? input.ExpressionAttributeValues : {};
    const resolveName = (token: string) =>
      token.startsWith('#') ? (typeof names[token] === 'string' ? names[token] : undefined) : token;
    for (const clause of expression.replace(/[()]/g, ' ').split(/\s+and\s+/i)) {
      const m = /^\s*(\S+)\s*=\s*(\S+)\s*$/.exec(clause);
      if (!m) continue;
      const [left, right] = [m[1]!, m[2]!];
      const [name, placeholder] = left.startsWith(':') ? [right, left] : [left, right];
      if (resolveName(name) === partitionKey) {
        const value = scalar(values[placeholder]);
        if (value !== undefined) return value;
      }
    }
  } else if (isJson(input.KeyConditions)) {
    const condition = input.KeyConditions[partitionKey];
    if (isJson(condition) && Array.isArray(condition.AttributeValueList)) {
      const value = scalar(condition.AttributeValueList[0]);
      if (value !== undefined) return value;
    }
  }
  throw new UnreadableLeadingKeyError(
    `could not read the partition key "${partitionKey}" from the Query's key condition`,
  );
}

/**
 * The partition key value of an item or key. A request whose key cannot be read would reach
 * DynamoDB without `dynamodb:LeadingKeys`, where `ForAllValues:` conditions pass: refuse it.
 */
function keyOf(item: unknown, partitionKey: string | undefined): string[] {
  if (partitionKey === undefined) return [];
  const value = isJson(item) ? scalar(item[partitionKey]) : undefined;
  if (value === undefined)
    throw new UnreadableLeadingKeyError(
      `could not read the partition key "${partitionKey}" of an item`,
    );
  return [value];
}

/**
 * Every permission a DynamoDB request needs: the operation on each table (or index) it names, with
 * `dynamodb:LeadingKeys` (the partition key values it reads or writes), `dynamodb:Select`,
 * `dynamodb:ReturnValues` and `dynamodb:Attributes`. Transactions need the underlying actions
 * (`dynamodb:PutItem`, `dynamodb:ConditionCheckItem`, …) per item, as AWS documents.
 */
export function dynamoPermissions(
  config: DevstackConfig,
  request: DynamoAuthorizationRequest,
): RequiredPermission[] {
  const action = `dynamodb:${request.operation || '*'}`;
  const arn = (table: string, index?: unknown) =>
    `arn:aws:dynamodb:${config.region}:${config.accountId}:table/${table}` +
    (typeof index === 'string' ? `/index/${index}` : '');
  const pk = (table: string) => config.gateway.tables.find((t) => t.name === table)?.partitionKey;
  const input = request.input;
  // A body that is not JSON never reaches a table: DynamoDB answers SerializationException.
  if (!isJson(input)) return [];

  const permissions: RequiredPermission[] = [];
  const add = (act: string, table: string, keys: string[] | undefined, index?: unknown) =>
    permissions.push({
      action: act,
      resource: arn(table, index),
      context: {
        'dynamodb:LeadingKeys': keys === undefined ? undefined : [...new Set(keys)],
        'dynamodb:Select': typeof input.Select === 'string' ? input.Select : undefined,
        'dynamodb:ReturnValues':
          typeof input.ReturnValues === 'string' ? input.ReturnValues : undefined,
        'dynamodb:Attributes': Array.isArray(input.AttributesToGet)
          ? input.AttributesToGet.filter((a): a is string => typeof a === 'string')
          : undefined,
      },
    });

  if (isJson(input.RequestItems)) {
    for (const [table, requests] of Object.entries(input.RequestItems)) {
      const name = tableName(table)!;
      const keys: string[] = [];
      if (Array.isArray(requests)) {
        // BatchWriteItem: [{ PutRequest: { Item } } | { DeleteRequest: { Key } }]
        for (const r of requests) {
          if (!isJson(r)) continue;
          if (isJson(r.PutRequest)) keys.push(...keyOf(r.PutRequest.Item, pk(name)));
          if (isJson(r.DeleteRequest)) keys.push(...keyOf(r.DeleteRequest.Key, pk(name)));
        }
      } else if (isJson(requests) && Array.isArray(requests.Keys)) {
        for (const key of requests.Keys) keys.push(...keyOf(key, pk(name)));
      }
      add(action, name, keys);
    }
    return permissions;
  }
  if (Array.isArray(input.TransactItems)) {
    const underlying: Record<string, string> = {
      Get: 'dynamodb:GetItem',
      Put: 'dynamodb:PutItem',
      Update: 'dynamodb:UpdateItem',
      Delete: 'dynamodb:DeleteItem',
      ConditionCheck: 'dynamodb:ConditionCheckItem',
    };
    for (const item of input.TransactItems) {
      if (!isJson(item)) continue;
      for (const [kind, inner] of Object.entries(item)) {
        const name = isJson(inner) ? tableName(inner.TableName) : undefined;
        if (name === undefined || !isJson(inner)) continue;
        add(underlying[kind] ?? action, name, keyOf(inner.Key ?? inner.Item, pk(name)));
      }
    }
    return permissions;
  }
  const name = tableName(input.TableName) ?? tableName(input.ResourceArn);
  if (name === undefined) return [{ action, resource: '*', context: {} }];
  const partitionKey = pk(name);
  let keys: string[] | undefined;
  switch (request.operation) {
    case 'GetItem':
    case 'DeleteItem':
    case 'UpdateItem':
      keys = keyOf(input.Key, partitionKey);
      break;
    case 'PutItem':
      keys = keyOf(input.Item, partitionKey);
      break;
    case 'Query':
      if (partitionKey !== undefined) keys = [queryLeadingKey(input, partitionKey)];
      break;
    default:
      keys = undefined;
  }
  add(
    action,
    name,
    keys,
    request.operation === 'Query' || request.operation === 'Scan' ? input.IndexName : undefined,
  );
  return permissions;
}
