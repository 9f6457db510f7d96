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
} from './errors.js';
