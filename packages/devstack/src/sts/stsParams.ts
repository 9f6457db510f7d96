import type { DevstackConfig, DevstackRole } from '../config.js';
import { StsError, validationError } from './stsError.js';

/** Pattern AWS uses for role session names and source identities. */
const SESSION_NAME_PATTERN = /^[\w+=,.@-]*$/;
const ROLE_ARN_PATTERN = /^arn:aws:iam::(\d{12}):role\/(?:[\w+=,.@-]+\/)*([\w+=,.@-]{1,64})$/;
const POLICY_ARN_PATTERN = /^arn:aws:iam::(\d{12}|aws):policy\/[\w+=,.@/-]+$/;

/** Default session length of every role-assuming action. */
export const DEFAULT_DURATION_SECONDS = 3600;
/** Longest session AWS allows for any role. */
export const MAX_ROLE_DURATION_SECONDS = 43200;
/** Shortest session AWS allows. */
export const MIN_DURATION_SECONDS = 900;

/**
 * Reads one action's query parameters and collects constraint violations the way AWS's request
 * validation does (all of them, then one `ValidationError`).
 */
export class StsParams {
  readonly #params: URLSearchParams;
  readonly violations: string[] = [];

  constructor(params: URLSearchParams) {
    this.#params = params;
  }

  /** Raw value; empty strings count as present (AWS treats them as values). */
  get(name: string): string | undefined {
    return this.#params.get(name) ?? undefined;
  }

  /** A required string; records "must not be null" when absent. */
  required(name: string): string | undefined {
    const value = this.get(name);
    if (value === undefined)
      this.violations.push(
        `Value null at '${member(name)}' failed to satisfy constraint: Member must not be null`,
      );
    return value;
  }

  /** Length constraint (inclusive). The value is echoed only when `echo` (never for secrets). */
  length(name: string, value: string | undefined, min: number, max: number, echo = true): void {
    if (value === undefined) return;
    const shown = echo ? `'${value}'` : "'***'";
    if (value.length < min) {
      this.violations.push(
        `Value ${shown} at '${member(name)}' failed to satisfy constraint: Member must have length greater than or equal to ${min}`,
      );
    } else if (value.length > max) {
      this.violations.push(
        `Value ${echo && value.length <= 256 ? shown : "'…'"} at '${member(name)}' failed to satisfy constraint: Member must have length less than or equal to ${max}`,
      );
    }
  }

  /** Regular-expression constraint; `shown` is the pattern AWS prints. The value is echoed only when `echo`. */
  pattern(name: string, value: string | undefined, re: RegExp, shown: string, echo = true): void {
    if (value === undefined || re.test(value)) return;
    this.violations.push(
      `Value ${echo ? `'${value}'` : "'***'"} at '${member(name)}' failed to satisfy constraint: Member must satisfy regular expression pattern: ${shown}`,
    );
  }

  /** A role session name style value (2–64 chars of `[\w+=,.@-]`). */
  sessionName(name: string, value: string | undefined): void {
    this.length(name, value, 2, 64);
    this.pattern(name, value, SESSION_NAME_PATTERN, '[\\w+=,.@-]*');
  }

  /** Optional integer in [min, max]; `undefined` when absent or invalid (then a violation is recorded). */
  integer(name: string, min: number, max: number): number | undefined {
    const raw = this.get(name);
    if (raw === undefined) return undefined;
    if (!/^-?\d+$/.test(raw.trim())) {
      this.violations.push(
        `Value '${raw}' at '${member(name)}' failed to satisfy constraint: Member must be an integer`,
      );
      return undefined;
    }
    const value = Number(raw.trim());
    if (value < min) {
      this.violations.push(
        `Value '${value}' at '${member(name)}' failed to satisfy constraint: Member must have value greater than or equal to ${min}`,
      );
      return undefined;
    }
    if (value > max) {
      this.violations.push(
        `Value '${value}' at '${member(name)}' failed to satisfy constraint: Member must have value less than or equal to ${max}`,
      );
      return undefined;
    }
    return value;
  }

  /** `Policy` and `PolicyArns.member.N.arn`: session policies are accepted, checked, and not enforced. */
  sessionPolicies(): { policy?: string; policyArns: string[] } {
    const policy = this.get('Policy');
    this.length('Policy', policy, 1, 2048, false);
    const policyArns: string[] = [];
    for (let i = 1; ; i += 1) {
      const arn = this.get(`PolicyArns.member.${i}.arn`);
      if (arn === undefined) break;
      policyArns.push(arn);
      this.length('PolicyArns', arn, 20, 2048);
    }
    if (policyArns.length > 10) {
      this.violations.push(
        `Value '[${policyArns.join(', ')}]' at 'policyArns' failed to satisfy constraint: Member must have length less than or equal to 10`,
      );
    }
    return policy === undefined ? { policyArns } : { policy, policyArns };
  }

  /** Throws the collected `ValidationError`, if any. */
  throwIfInvalid(): void {
    if (this.violations.length > 0) throw validationError(this.violations);
  }
}

/** AWS names parameters in lower camel case in validation messages (`roleArn`, `durationSeconds`). */
function member(name: string): string {
  return name.charAt(0).toLowerCase() + name.slice(1);
}

/** Checks a policy document and policy ARNs beyond their lengths (after {@link StsParams.throwIfInvalid}). */
export function checkSessionPolicies(policies: { policy?: string; policyArns: string[] }): void {
  for (const arn of policies.policyArns) {
    if (!POLICY_ARN_PATTERN.test(arn)) {
      throw new StsError(
        'ValidationError',
        `Invalid policy ARN '${arn}': expected arn:aws:iam::<account-id|aws>:policy/<name>.`,
      );
    }
  }
  if (policies.policy !== undefined) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(policies.policy);
    } catch {
      throw new StsError('MalformedPolicyDocument', 'Syntax errors in policy.');
    }
    if (typeof parsed !== 'object' || parsed === null || !('Statement' in parsed)) {
      throw new StsError(
        'MalformedPolicyDocument',
        'Syntax errors in policy: a policy document needs a Statement.',
      );
    }
  }
}

/** Percentage of the packed-policy limit a session policy uses (AWS's `PackedPolicySize`). */
export function packedPolicySize(policies: {
  policy?: string;
  policyArns: string[];
}): number | undefined {
  if (policies.policy === undefined && policies.policyArns.length === 0) return undefined;
  const size = (policies.policy?.length ?? 0) + policies.policyArns.join('').length;
  return Math.max(1, Math.min(100, Math.ceil((size / 2048) * 100)));
}

/** A role ARN taken apart. */
export interface ParsedRoleArn {
  arn: string;
  accountId: string;
  name: string;
}

/** Parses `arn:aws:iam::<acct>:role/[path/]<name>` or throws `ValidationError`. */
export function parseRoleArn(arn: string): ParsedRoleArn {
  const m = ROLE_ARN_PATTERN.exec(arn);
  if (!m) {
    throw new StsError(
      'ValidationError',
      `${arn} is invalid: expected a role ARN like arn:aws:iam::<12-digit account id>:role/<role name>.`,
    );
  }
  return { arn, accountId: m[1]!, name: m[2]! };
}

/** The configured role an ARN names, if it exists in this account. */
export function findRole(config: DevstackConfig, arn: ParsedRoleArn): DevstackRole | undefined {
  if (arn.accountId !== config.accountId) return undefined;
  return config.roles.find((role) => role.name === arn.name);
}

/**
 * Checks a requested role session length against the role's maximum (after range validation) and
 * returns the length to use.
 */
export function roleSessionSeconds(role: DevstackRole, requested: number | undefined): number {
  const duration = requested ?? DEFAULT_DURATION_SECONDS;
  const max = role.maxSessionDurationSeconds ?? DEFAULT_DURATION_SECONDS;
  if (duration > max) {
    throw new StsError(
      'ValidationError',
      'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.',
    );
  }
  return duration;
}

/** What is actually issued: the validated duration, shortened by the dev `sts.credentialTtlSeconds`. */
export function issuedSeconds(config: DevstackConfig, validated: number): number {
  const ttl = config.sts.credentialTtlSeconds;
  return ttl !== undefined && ttl > 0 ? Math.min(validated, ttl) : validated;
}
