/**
 * IAM JSON policy documents as the stack reads them: the shape users write (the same JSON they
 * deploy to AWS) and the normalised form the evaluator works on.
 */

/** One value or a list of them, as IAM JSON allows almost everywhere. */
export type OneOrMany<T> = T | T[];

/** `Principal` / `NotPrincipal` of a resource-based policy (a role's trust policy). */
export type PolicyPrincipal =
  | '*'
  | {
      /** Account ids, `arn:aws:iam::<account>:root`, user, role or assumed-role session ARNs, or `*`. */
      AWS?: OneOrMany<string>;
      /** An OIDC provider ARN (`arn:aws:iam::<account>:oidc-provider/<url>`) or SAML provider ARN. */
      Federated?: OneOrMany<string>;
      Service?: OneOrMany<string>;
    };

/** A condition value as written: strings, numbers and booleans, alone or in a list. */
export type ConditionValue = OneOrMany<string | number | boolean>;

/** `Condition`: operator (`StringEquals`, `ForAllValues:StringLike`, …) → key → value(s). */
export type PolicyCondition = Record<string, Record<string, ConditionValue>>;

/** One statement of an IAM policy, as written. */
export interface PolicyStatement {
  Sid?: string;
  Effect: 'Allow' | 'Deny';
  Principal?: PolicyPrincipal;
  NotPrincipal?: PolicyPrincipal;
  Action?: OneOrMany<string>;
  NotAction?: OneOrMany<string>;
  Resource?: OneOrMany<string>;
  NotResource?: OneOrMany<string>;
  Condition?: PolicyCondition;
}

/** An IAM JSON policy document (identity, session or trust policy), as written. */
export interface PolicyDocument {
  /** `2012-10-17` (policy variables are substituted) or the legacy `2008-10-17`. */
  Version?: '2012-10-17' | '2008-10-17';
  Id?: string;
  Statement: OneOrMany<PolicyStatement>;
}

/** What a policy document is used as; decides which elements it must and must not have. */
export type PolicyKind = 'identity' | 'session' | 'trust';

/** A statement with every list normalised to an array. */
export interface NormalizedStatement {
  sid: string | undefined;
  effect: 'Allow' | 'Deny';
  principal: NormalizedPrincipal | undefined;
  notPrincipal: NormalizedPrincipal | undefined;
  /** Exactly one of `action` / `notAction` is set. */
  action: string[] | undefined;
  notAction: string[] | undefined;
  /** For identity and session policies exactly one of them is set; trust policies have neither. */
  resource: string[] | undefined;
  notResource: string[] | undefined;
  /** Operator → key → values (values as strings). */
  condition: { operator: string; key: string; values: string[] }[];
}

/** A principal element normalised: `'*'` or lists per principal type. */
export type NormalizedPrincipal = '*' | { aws: string[]; federated: string[]; service: string[] };

/** A parsed, checked policy document, ready for {@link evaluatePolicies}. */
export interface NormalizedPolicy {
  /** Policy variables are substituted only in `2012-10-17` policies. */
  variables: boolean;
  statements: NormalizedStatement[];
}

/** A policy document that is not valid IAM JSON; `path` names the element (`Statement[0].Effect`). */
export class PolicyDocumentError extends Error {
  override readonly name = 'PolicyDocumentError';
  readonly path: string;

  constructor(path: string, problem: string) {
    super(`${path}: ${problem}`);
    this.path = path;
  }
}
