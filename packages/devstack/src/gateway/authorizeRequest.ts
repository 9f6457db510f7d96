import type { DevstackConfig } from '../config.js';
import type { IssuedCredential } from '../credentialStore.js';
import { accessDeniedMessage, evaluatePolicies } from '../iam/evaluatePolicies.js';
import { iamModelFor } from '../iam/iamModel.js';
import { principalContext } from '../iam/principalContext.js';
import type { RequestEnvironment } from '../iam/principalContext.js';
import { dynamoPermissions, UnreadableLeadingKeyError } from './dynamoRequestActions.js';
import type { DynamoAuthorizationRequest } from './dynamoRequestActions.js';
import { s3Action, s3Permissions } from './s3RequestActions.js';
import type { RequiredPermission, S3AuthorizationRequest } from './s3RequestActions.js';

export type { DynamoAuthorizationRequest } from './dynamoRequestActions.js';
export type { RequestEnvironment } from '../iam/principalContext.js';
export type { RequiredPermission, S3AuthorizationRequest } from './s3RequestActions.js';

/** A parsed S3 or DynamoDB request, as the gateway hands it to {@link authorizeRequest}. */
export type GatewayAuthorizationRequest = S3AuthorizationRequest | DynamoAuthorizationRequest;

/**
 * Outcome of the IAM check. A denial carries the action and resource that failed and the message
 * AWS would send ("User: … is not authorized to perform: s3:GetObject on resource: "…" because no
 * identity-based policy allows the s3:GetObject action").
 */
export type AuthorizationResult =
  { ok: true; action: string } | { ok: false; action: string; resource: string; message: string };

/** The main IAM action of a request (`s3:GetObject`, `dynamodb:Query`), for logs and denials. */
export function requestAction(request: GatewayAuthorizationRequest): string {
  return request.service === 's3' ? s3Action(request) : `dynamodb:${request.operation || '*'}`;
}

/** Every permission a request needs, one per action and resource (see `s3Permissions`). */
export function requiredPermissions(
  config: DevstackConfig,
  request: GatewayAuthorizationRequest,
): RequiredPermission[] {
  return request.service === 's3' ? s3Permissions(request) : dynamoPermissions(config, request);
}

/**
 * Authorizes a verified gateway request the way AWS does for a principal in the bucket's or
 * table's own account: each permission the request needs (the operation, a copy source read,
 * every table of a batch, …) is evaluated against the caller's identity-based policies
 * intersected with its session policies, in a request context of the caller (`aws:userid`,
 * `aws:PrincipalTag/…`, the federated claims its session carries), the request
 * (`s3:prefix`, `dynamodb:LeadingKeys`, …) and `env` (`aws:CurrentTime`, `aws:SecureTransport`).
 * The first denied permission decides the answer.
 */
export function authorizeRequest(
  config: DevstackConfig,
  credential: IssuedCredential,
  request: GatewayAuthorizationRequest,
  env: RequestEnvironment,
): AuthorizationResult {
  const action = requestAction(request);
  const quote = request.service === 's3';
  let permissions: RequiredPermission[];
  try {
    permissions = requiredPermissions(config, request);
  } catch (error) {
    if (!(error instanceof UnreadableLeadingKeyError)) throw error;
    const resource = `arn:aws:dynamodb:${config.region}:${config.accountId}:table/*`;
    return {
      ok: false,
      action,
      resource,
      message: `User: ${credential.arn} is not authorized to perform: ${action}: the devstack ${error.message}, so dynamodb:LeadingKeys cannot be evaluated`,
    };
  }
  const policies = {
    identity: iamModelFor(config).identityPolicies(credential),
    session: credential.claims?.sessionPolicies,
  };
  const base = principalContext(config, credential, env);
  for (const permission of permissions) {
    const query = {
      action: permission.action,
      resource: permission.resource,
      context: base.with(permission.context),
    };
    const decision = evaluatePolicies(policies, query);
    if (decision.effect !== 'allow') {
      return {
        ok: false,
        action: permission.action,
        resource: permission.resource,
        message: accessDeniedMessage(credential.arn, query, decision, quote),
      };
    }
  }
  return { ok: true, action };
}
