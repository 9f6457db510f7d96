import { resolvePolicyValue } from './policyVariables.js';
import type { RequestContext } from './requestContext.js';
import { matchesArnPattern, matchesPattern, partsText } from './wildcardPattern.js';
import type { PatternPart } from './wildcardPattern.js';

/** How one base operator compares a request value with a (resolved) policy value. */
interface BaseOperator {
  /** Negated operators (`StringNotEquals`, …) match when no policy value matches. */
  negated: boolean;
  /** `true` when the request value matches the policy value (before negation). */
  test(requestValue: string, policyValue: PatternPart[]): boolean;
}

const text = (parts: PatternPart[]) => partsText(parts);
const numberOf = (value: string) => (/^\s*-?\d+(\.\d+)?\s*$/.test(value) ? Number(value) : NaN);
/** IAM dates: ISO 8601 (with or without time) or epoch seconds. */
const dateOf = (value: string) =>
  /^\d+$/.test(value) ? Number(value) * 1000 : Date.parse(value.trim());

function compare(kind: 'number' | 'date', check: (a: number, b: number) => boolean) {
  const parse = kind === 'number' ? numberOf : dateOf;
  return (requestValue: string, policyValue: PatternPart[]) => {
    const a = parse(requestValue);
    const b = parse(text(policyValue));
    return !Number.isNaN(a) && !Number.isNaN(b) && check(a, b);
  };
}

function ipv4(value: string): number | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(value.trim());
  if (!m) return undefined;
  const octets = m.slice(1).map(Number);
  if (octets.some((o) => o > 255)) return undefined;
  return octets.reduce((acc, o) => acc * 256 + o, 0);
}

function inCidr(requestValue: string, policyValue: PatternPart[]): boolean {
  const [range = '', bitsText = '32'] = text(policyValue).trim().split('/');
  const address = ipv4(requestValue);
  const network = ipv4(range);
  const bits = Number(bitsText);
  if (address === undefined || network === undefined || !(bits >= 0 && bits <= 32)) {
    // IPv6 or a malformed value: only an exact match can be decided without a full parser.
    return requestValue.trim().toLowerCase() === range.toLowerCase();
  }
  const size = 2 ** (32 - bits);
  return Math.floor(address / size) === Math.floor(network / size);
}

const equalsIgnoreCase = (a: string, b: PatternPart[]) =>
  a.localeCompare(text(b), undefined, { sensitivity: 'accent' }) === 0;

const OPERATORS: Readonly<Record<string, BaseOperator>> = {
  StringEquals: { negated: false, test: (a, b) => a === text(b) },
  StringNotEquals: { negated: true, test: (a, b) => a === text(b) },
  StringEqualsIgnoreCase: { negated: false, test: equalsIgnoreCase },
  StringNotEqualsIgnoreCase: { negated: true, test: equalsIgnoreCase },
  StringLike: { negated: false, test: (a, b) => matchesPattern(b, a) },
  StringNotLike: { negated: true, test: (a, b) => matchesPattern(b, a) },
  NumericEquals: { negated: false, test: compare('number', (a, b) => a === b) },
  NumericNotEquals: { negated: true, test: compare('number', (a, b) => a === b) },
  NumericLessThan: { negated: false, test: compare('number', (a, b) => a < b) },
  NumericLessThanEquals: { negated: false, test: compare('number', (a, b) => a <= b) },
  NumericGreaterThan: { negated: false, test: compare('number', (a, b) => a > b) },
  NumericGreaterThanEquals: { negated: false, test: compare('number', (a, b) => a >= b) },
  DateEquals: { negated: false, test: compare('date', (a, b) => a === b) },
  DateNotEquals: { negated: true, test: compare('date', (a, b) => a === b) },
  DateLessThan: { negated: false, test: compare('date', (a, b) => a < b) },
  DateLessThanEquals: { negated: false, test: compare('date', (a, b) => a <= b) },
  DateGreaterThan: { negated: false, test: compare('date', (a, b) => a > b) },
  DateGreaterThanEquals: { negated: false, test: compare('date', (a, b) => a >= b) },
  Bool: { negated: false, test: (a, b) => a.toLowerCase() === text(b).toLowerCase() },
  BinaryEquals: { negated: false, test: (a, b) => a === text(b) },
  IpAddress: { negated: false, test: inCidr },
  NotIpAddress: { negated: true, test: inCidr },
  ArnEquals: { negated: false, test: (a, b) => matchesArnPattern(b, a) },
  ArnLike: { negated: false, test: (a, b) => matchesArnPattern(b, a) },
  ArnNotEquals: { negated: true, test: (a, b) => matchesArnPattern(b, a) },
  ArnNotLike: { negated: true, test: (a, b) => matchesArnPattern(b, a) },
};

/** An operator name taken apart: `ForAllValues:StringLikeIfExists` → set, base, ifExists. */
interface ParsedOperator {
  set: 'ForAllValues' | 'ForAnyValue' | undefined;
  base: string;
  ifExists: boolean;
}

function parseOperator(name: string): ParsedOperator | undefined {
  const m = /^(?:(ForAllValues|ForAnyValue):)?(.+?)(IfExists)?$/.exec(name);
  if (!m) return undefined;
  const base = m[2]!;
  if (base !== 'Null' && !Object.hasOwn(OPERATORS, base)) return undefined;
  if (base === 'Null' && (m[1] !== undefined || m[3] !== undefined)) return undefined;
  return { set: m[1] as ParsedOperator['set'], base, ifExists: m[3] !== undefined };
}

/** Whether IAM knows a condition operator name (with its `ForAllValues:` / `IfExists` parts). */
export function isConditionOperator(name: string): boolean {
  return parseOperator(name) !== undefined;
}

/**
 * Evaluates one condition key of one operator against the request context, with AWS's documented
 * rules: several policy values are OR-ed (NOR for negated operators); a missing key fails a
 * positive operator and passes a negated one; `…IfExists` passes when the key is missing;
 * `ForAllValues:` passes when every request value matches (and when there is none);
 * `ForAnyValue:` passes when at least one does; `Null` tests presence.
 */
export function evaluateCondition(
  operator: string,
  key: string,
  policyValues: readonly string[],
  context: RequestContext,
  variables: boolean,
): boolean {
  const parsed = parseOperator(operator);
  if (!parsed) return false;
  const requestValues = context.get(key);
  if (parsed.base === 'Null') {
    const absent = requestValues === undefined || requestValues.length === 0;
    return policyValues.some((v) => (v.toLowerCase() === 'true') === absent);
  }
  const base = OPERATORS[parsed.base]!;
  if (parsed.set === 'ForAllValues') {
    if (requestValues === undefined || requestValues.length === 0) return true;
  } else if (requestValues === undefined || requestValues.length === 0) {
    if (parsed.ifExists) return true;
    return parsed.set === undefined && base.negated;
  }
  // A value whose variable cannot be resolved matches nothing (it is left out).
  const resolved = policyValues
    .map((v) => resolvePolicyValue(v, context, variables))
    .filter((v): v is PatternPart[] => v !== undefined);
  const matchesAny = (value: string) =>
    resolved.some((policyValue) => base.test(value, policyValue));
  const passes = (value: string) => (base.negated ? !matchesAny(value) : matchesAny(value));
  if (parsed.set === 'ForAllValues') return requestValues!.every(passes);
  if (parsed.set === 'ForAnyValue') return requestValues!.some(passes);
  // A single-valued operator on a multivalued key: positive operators need one match; negated
  // ones need every value to miss (the values' NOR).
  return base.negated ? requestValues!.every(passes) : requestValues!.some(passes);
}
