// Public entry of @fedcreds/devstack. Each part of the stack adds its own export lines.
export {
  ADMINISTRATOR_ACCESS_ARN,
  DEFAULT_ACCOUNT_ID,
  DEFAULT_OIDC_PROVIDER_URL,
  S3_READ_ONLY_ACCESS_ARN,
  DEMO_CLIENT_ID,
  DEMO_ORIGIN,
  defaultDevstackConfig,
  defineDevstackConfig,
  resolveDevstackConfig,
  roleArn,
  samlProviderArn,
} from './config.js';
export type {
  DevstackAccessKey,
  DevstackConfig,
  DevstackIamUser,
  DevstackManagedPolicy,
  DevstackOidcClient,
  DevstackOptions,
  DevstackRole,
  DevstackUser,
  ExternalIdentityProvider,
  WebIdentityTrust,
} from './config.js';
export {
  DEVSTACK_OPTIONS_HELP,
  DevstackUsageError,
  describePortInUse,
  parseDevstackArgs,
} from './cliArgs.js';
export type { ParseDevstackArgsOptions, ParsedDevstackArgs } from './cliArgs.js';
export { DevstackConfigError, validateDevstackConfig } from './validateDevstackConfig.js';
export { parsePolicy } from './iam/parsePolicy.js';
export { PolicyDocumentError } from './iam/policyDocument.js';
export type {
  ConditionValue,
  NormalizedPolicy,
  PolicyCondition,
  PolicyDocument,
  PolicyKind,
  PolicyPrincipal,
  PolicyStatement,
} from './iam/policyDocument.js';
export { RequestContext } from './iam/requestContext.js';
export type { ContextValue } from './iam/requestContext.js';
export { accessDeniedMessage, evaluatePolicies } from './iam/evaluatePolicies.js';
export type {
  AuthorizationQuery,
  PolicyDecision,
  PolicyType,
  PrincipalPolicies,
} from './iam/evaluatePolicies.js';
export { evaluateTrustPolicy } from './iam/evaluateTrustPolicy.js';
export type { TrustCaller, TrustDecision } from './iam/evaluateTrustPolicy.js';
export { startDevstack } from './startDevstack.js';
export type {
  Devstack,
  DevstackStats,
  DevstackUrls,
  StartDevstackOptions,
} from './startDevstack.js';
export { startGateway } from './gateway/startGateway.js';
export type { GatewayDeps, GatewayServer, GatewayStats } from './gateway/startGateway.js';
export { CredentialStore } from './credentialStore.js';
export type { CredentialKind, IssueCredentialInput, IssuedCredential } from './credentialStore.js';
export { startOidcProvider } from './oidc/startOidcProvider.js';
export type {
  MintIdTokenClaims,
  OidcFaults,
  OidcServer,
  OidcStats,
} from './oidc/startOidcProvider.js';
export { startSamlIdp } from './saml/startSamlIdp.js';
export type { IssueAssertionParams, SamlIdpServer } from './saml/startSamlIdp.js';
export { AWS_SAML_ATTRIBUTES } from './saml/buildSamlResponseXml.js';
export { verifySigV4 } from './sigv4/verifySigV4.js';
export type {
  SigV4Expectations,
  SigV4Failure,
  SigV4FailureReason,
  SigV4Result,
} from './sigv4/verifySigV4.js';
export { parseSigV4 } from './sigv4/parseSigV4.js';
export type { IncomingSignedRequest, ParsedSigV4, SigV4Parts } from './sigv4/parseSigV4.js';
export { decodeAwsChunked } from './sigv4/decodeAwsChunked.js';
export type { AwsChunk, DecodedAwsChunked } from './sigv4/decodeAwsChunked.js';
export { startSts, STS_API_VERSION } from './sts/startSts.js';
export type { StartStsDeps, StsServer, StsStats } from './sts/startSts.js';
export type { StsFault, StsFaults } from './sts/stsFaults.js';
export { RequestLog } from './requestLog.js';
export type { RequestLogEntry, RequestLogOptions } from './requestLog.js';
export { totpCode } from './sts/totp.js';
export { loginWithPassword } from './oidc/loginWithPassword.js';
export { CookieJar } from './oidc/cookieJar.js';
export { samlLogin } from './saml/samlLogin.js';
export { validateSamlSchema } from './saml/validateSamlSchema.js';
