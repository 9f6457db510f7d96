/**
 * Federated (OIDC / SAML) temporary AWS credentials for the browser, kept fresh: the credential
 * classes, sessions, token sources and errors. Framework-free.
 *
 * @packageDocumentation
 * @module @fedcreds/core
 */
// Public entry of @fedcreds/core. Each helper appends its exports below; keep them named.
export {
  FedcredsError,
  InvalidParameterError,
  StsError,
  NetworkError,
  TimeoutError,
  AbortedError,
  TokenUnavailableError,
  ReauthRequiredError,
  IdentityChangedError,
  MfaError,
  MissingCredentialsError,
  SignedOutError,
} from './errors.js';
export type {
  FedcredsErrorCode,
  FedcredsErrorOptions,
  StsErrorCode,
  StsErrorDetails,
  ReauthReason,
  IdentityRef,
} from './errors.js';

// Credential classes (issue 2).
export { Credentials, DEFAULT_EXPIRY_WINDOW_SECONDS } from './credentials/Credentials.js';
export type {
  CredentialsOptions,
  CredentialsCallOptions,
  CredentialsCallback,
  LoadedCredentials,
} from './credentials/Credentials.js';
export {
  StsCredentials,
  DEFAULT_STS_REGION,
  isTemporaryCredentials,
} from './credentials/StsCredentials.js';
export { captureServerDate } from './credentials/captureServerDate.js';
export type {
  StsCredentialsOutput,
  StsExchangeOptions,
  StsExchangeResult,
  StsResponse,
} from './credentials/StsCredentials.js';
export {
  WebIdentityCredentials,
  DEFAULT_WEB_IDENTITY_SESSION_NAME,
} from './credentials/WebIdentityCredentials.js';
export type { WebIdentityCredentialsParams } from './credentials/WebIdentityCredentials.js';
export { SAMLCredentials } from './credentials/SAMLCredentials.js';
export type { SAMLCredentialsParams } from './credentials/SAMLCredentials.js';
export {
  ChainableTemporaryCredentials,
  DEFAULT_CHAINABLE_SESSION_NAME,
} from './credentials/ChainableTemporaryCredentials.js';
export type {
  ChainableTemporaryCredentialsOptions,
  ChainableTemporaryCredentialsParams,
  ChainableTemporaryCredentialsOutput,
  MasterCredentials,
  TokenCodeFn,
  TokenCodeCallback,
} from './credentials/ChainableTemporaryCredentials.js';
export { protectIdentity, REDACTED } from './protectIdentity.js';
export { toFedcredsError } from './toFedcredsError.js';
export type { ToFedcredsErrorOptions } from './toFedcredsError.js';
export { decodeJwt } from './jwt/decodeJwt.js';
export type { DecodedJwt, JwtPayload } from './jwt/decodeJwt.js';
export { decodeSamlAssertion } from './saml/decodeSamlAssertion.js';
export { parseSamlRoles, samlRoleName, SAML_ROLE_ATTRIBUTE } from './saml/parseSamlRoles.js';
export type { SamlRole } from './saml/parseSamlRoles.js';
export { parseSamlAttributes } from './saml/parseSamlAttributes.js';
export type { SamlAttributes } from './saml/parseSamlAttributes.js';
export {
  validateWebIdentityParams,
  validateSamlParams,
  validateAssumeRoleParams,
  validateGetSessionTokenParams,
  MIN_DURATION_SECONDS,
  MAX_ROLE_DURATION_SECONDS,
  MAX_CHAINED_DURATION_SECONDS,
  MAX_SESSION_TOKEN_DURATION_SECONDS,
  MAX_POLICY_ARNS,
  MAX_POLICY_LENGTH,
} from './validation/validateStsParams.js';
export type {
  AssumeRoleValidationOptions,
  IdentityTokenValidationOptions,
} from './validation/validateStsParams.js';

// Sessions, token sources, time (issue 3).
export { Subscribable } from './Subscribable.js';
export { systemClock } from './time/Clock.js';
export type { Clock } from './time/Clock.js';
export { globalTimers } from './time/TimerProvider.js';
export type { TimerProvider } from './time/TimerProvider.js';
export { createFederatedSession } from './session/createFederatedSession.js';
export {
  DEFAULT_RECOVERY_TIMEOUT_MS,
  DEFAULT_REQUEST_TIMEOUT_MS,
} from './session/resolveSessionOptions.js';
export type { SessionLogEntry, SessionLogger } from './session/SessionLogger.js';
export type {
  FederatedSession,
  FederatedSessionOptions,
  SessionCredentials,
  SessionEventMap,
  SessionRefreshOptions,
  SessionSignOutOptions,
} from './session/FederatedSession.js';
export type {
  EmptySessionSnapshot,
  SessionIdentity,
  SessionSnapshot,
  SessionSnapshotFields,
  SessionStatus,
  StoppedSessionSnapshot,
  UsableSessionSnapshot,
} from './session/SessionSnapshot.js';
export type { SessionProfile } from './jwt/profileClaims.js';
export {
  isTerminalStatus,
  MIN_REFRESH_INTERVAL_MS,
  TOKEN_EXPIRING_LEAD_MS,
  TOKEN_MIN_VALIDITY_MS,
} from './session/sessionPolicy.js';
export {
  DEFAULT_EXPIRY_MARGIN_MS,
  DEFAULT_REFRESH_WINDOW_MS,
  DEFAULT_REFRESH_JITTER_MS,
} from './session/planRefresh.js';
export { initialSessionState } from './session/reduceSession.js';
export { sessionPhase, snapshotPhase } from './session/sessionPhase.js';
export type { SessionPhase } from './session/sessionPhase.js';
export {
  DEFAULT_RETRY_BASE_DELAY_MS,
  DEFAULT_RETRY_MAX_DELAY_MS,
} from './session/backoffDelayMs.js';
export type { RetryOptions } from './session/backoffDelayMs.js';
export { browserEnvironment } from './session/SessionEnvironment.js';
export type { EnvironmentSignal, SessionEnvironment } from './session/SessionEnvironment.js';
export type { SessionPersistence } from './session/sessionPersistence.js';
export type { SessionRecord } from './session/SessionRecord.js';
export type {
  CoordinatorMessage,
  CoordinatorPeer,
  SessionCoordinator,
} from './session/SessionCoordinator.js';
export { ExpiryCountdown } from './session/ExpiryCountdown.js';
export type { ExpiryCountdownOptions, ExpiryCountdownSnapshot } from './session/ExpiryCountdown.js';
export { callbackTokenSource } from './tokenSources/callbackTokenSource.js';
export type { CallbackTokenSourceHooks } from './tokenSources/callbackTokenSource.js';
export type {
  GetTokenOptions,
  SignInOptions,
  SignOutOptions,
  TokenSource,
  TokenSourceUser,
} from './tokenSources/TokenSource.js';

// Cross-tab groups: one refresher per identity (Web Locks), credentials and the IdP user shared
// in memory (BroadcastChannel), sign-out of the group remembered (localStorage, no secret).
export { crossTab } from './crossTab/crossTab.js';
export type { CrossTab, CrossTabSessionParts } from './crossTab/crossTab.js';
export {
  createCrossTabCoordinator,
  DEFAULT_ANSWER_TIMEOUT_MS,
  DEFAULT_LOCK_TIMEOUT_MS,
} from './crossTab/createCrossTabCoordinator.js';
export type {
  CrossTabCoordinator,
  CrossTabCoordinatorOptions,
} from './crossTab/createCrossTabCoordinator.js';
export type {
  CrossTabChannel,
  CrossTabLocks,
  CrossTabOptions,
  MarkerStorage,
} from './crossTab/CrossTabOptions.js';
export type { GroupIdentity } from './crossTab/GroupIdentity.js';

// End-user sentences for every error code (issue 12).
export { describeError, ERROR_SENTENCES } from './describeError.js';
export type { ErrorDescription } from './describeError.js';
