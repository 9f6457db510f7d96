import { isConditionOperator } from './conditionOperators.js';
import { PolicyDocumentError } from './policyDocument.js';
import type {
  NormalizedPolicy,
  NormalizedPrincipal,
  NormalizedStatement,
  PolicyKind,
} from './policyDocument.js';

const VERSIONS = new Set(['2012-10-17', '2008-10-17']);
const STATEMENT_KEYS = new Set([
  'Sid',
  'Effect',
  'Principal',
  'NotPrincipal',
  'Action',
  'NotAction',
  'Resource',
  'NotResource',
  'Condition',
]);
const ACTION_PATTERN = /^(\*|[a-zA-Z0-9-]+:[a-zA-Z0-9*?]+)$/;

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Checks an IAM JSON policy document (an object, or its JSON text) and normalises it for the
 * evaluator. Throws {@link PolicyDocumentError} naming the first element that is wrong, the way
 * IAM refuses a `MalformedPolicyDocument`.
 *
 * @param where - prefix of the error path (`roles[0].trustPolicy`). @default 'policy'
 */
export function parsePolicy(input: unknown, kind: PolicyKind, where = 'policy'): NormalizedPolicy {
  let document = input;
  if (typeof input === 'string') {
    try {
      document = JSON.parse(input);
    } catch {
      throw new PolicyDocumentError(where, 'is not valid JSON');
    }
  }
  if (!isObject(document)) throw new PolicyDocumentError(where, 'must be a JSON object');
  for (const key of Object.keys(document)) {
    if (!['Version', 'Id', 'Statement'].includes(key))
      throw new PolicyDocumentError(`${where}.${key}`, 'is not a policy element');
  }
  const version = document.Version;
  if (version !== undefined && (typeof version !== 'string' || !VERSIONS.has(version))) {
    throw new PolicyDocumentError(`${where}.Version`, 'must be "2012-10-17" (or "2008-10-17")');
  }
  const raw = document.Statement;
  if (raw === undefined) throw new PolicyDocumentError(`${where}.Statement`, 'is required');
  const list = Array.isArray(raw) ? raw : [raw];
  const statements = list.map((statement, i) =>
    parseStatement(
      statement,
      kind,
      Array.isArray(raw) ? `${where}.Statement[${i}]` : `${where}.Statement`,
    ),
  );
  return { variables: version === '2012-10-17', statements };
}

function parseStatement(input: unknown, kind: PolicyKind, where: string): NormalizedStatement {
  if (!isObject(input)) throw new PolicyDocumentError(where, 'must be a statement object');
  for (const key of Object.keys(input)) {
    if (!STATEMENT_KEYS.has(key))
      throw new PolicyDocumentError(`${where}.${key}`, 'is not a statement element');
  }
  if (input.Sid !== undefined && typeof input.Sid !== 'string')
    throw new PolicyDocumentError(`${where}.Sid`, 'must be a string');
  if (input.Effect !== 'Allow' && input.Effect !== 'Deny')
    throw new PolicyDocumentError(`${where}.Effect`, 'must be "Allow" or "Deny"');

  const action = stringList(input.Action, `${where}.Action`);
  const notAction = stringList(input.NotAction, `${where}.NotAction`);
  if ((action === undefined) === (notAction === undefined))
    throw new PolicyDocumentError(where, 'needs exactly one of Action or NotAction');
  for (const [i, name] of (action ?? notAction ?? []).entries()) {
    if (!ACTION_PATTERN.test(name))
      throw new PolicyDocumentError(
        `${where}.${action ? 'Action' : 'NotAction'}[${i}]`,
        `"${name}" is not an action (service:Action, wildcards allowed)`,
      );
  }

  const resource = stringList(input.Resource, `${where}.Resource`);
  const notResource = stringList(input.NotResource, `${where}.NotResource`);
  const principal = parsePrincipal(input.Principal, `${where}.Principal`);
  const notPrincipal = parsePrincipal(input.NotPrincipal, `${where}.NotPrincipal`);
  if (kind === 'trust') {
    if ((principal === undefined) === (notPrincipal === undefined))
      throw new PolicyDocumentError(
        where,
        'a trust policy statement needs exactly one of Principal or NotPrincipal',
      );
  } else {
    if (principal !== undefined || notPrincipal !== undefined)
      throw new PolicyDocumentError(`${where}.Principal`, `has no place in an ${kind} policy`);
    if ((resource === undefined) === (notResource === undefined))
      throw new PolicyDocumentError(where, 'needs exactly one of Resource or NotResource');
  }

  return {
    sid: input.Sid,
    effect: input.Effect,
    principal,
    notPrincipal,
    action,
    notAction,
    resource,
    notResource,
    condition: parseCondition(input.Condition, `${where}.Condition`),
  };
}

function stringList(value: unknown, where: string): string[] | undefined {
  if (value === undefined) return undefined;
  const list = Array.isArray(value) ? value : [value];
  if (list.length === 0) throw new PolicyDocumentError(where, 'must not be empty');
  list.forEach((item, i) => {
    if (typeof item !== 'string' || item === '')
      throw new PolicyDocumentError(
        Array.isArray(value) ? `${where}[${i}]` : where,
        'must be a non-empty string',
      );
  });
  return list as string[];
}

function parsePrincipal(value: unknown, where: string): NormalizedPrincipal | undefined {
  if (value === undefined) return undefined;
  if (value === '*') return '*';
  if (!isObject(value))
    throw new PolicyDocumentError(where, 'must be "*" or an object of AWS / Federated / Service');
  for (const key of Object.keys(value)) {
    if (!['AWS', 'Federated', 'Service'].includes(key))
      throw new PolicyDocumentError(
        `${where}.${key}`,
        'is not a principal type (AWS, Federated, Service)',
      );
  }
  return {
    aws: stringList(value.AWS, `${where}.AWS`) ?? [],
    federated: stringList(value.Federated, `${where}.Federated`) ?? [],
    service: stringList(value.Service, `${where}.Service`) ?? [],
  };
}

function parseCondition(value: unknown, where: string): NormalizedStatement['condition'] {
  if (value === undefined) return [];
  if (!isObject(value)) throw new PolicyDocumentError(where, 'must be an object of operators');
  const out: NormalizedStatement['condition'] = [];
  for (const [operator, block] of Object.entries(value)) {
    if (!isConditionOperator(operator))
      throw new PolicyDocumentError(`${where}.${operator}`, 'is not a condition operator');
    if (!isObject(block))
      throw new PolicyDocumentError(`${where}.${operator}`, 'must be an object of condition keys');
    for (const [key, raw] of Object.entries(block)) {
      const list = Array.isArray(raw) ? raw : [raw];
      const values = list.map((item, i) => {
        if (typeof item !== 'string' && typeof item !== 'number' && typeof item !== 'boolean')
          throw new PolicyDocumentError(
            `${where}.${operator}.${key}${Array.isArray(raw) ? `[${i}]` : ''}`,
            'must be a string, number or boolean',
          );
        return String(item);
      });
      out.push({ operator, key, values });
    }
  }
  return out;
}
