import {
  AssumeRoleWithWebIdentityCommand,
  STSClient,
  type AssumeRoleWithWebIdentityCommandInput,
  type AssumeRoleWithWebIdentityCommandOutput,
  type STSClientConfig,
} from '@aws-sdk/client-sts';
import { validateWebIdentityParams, requireRoleParams } from '../validation/validateStsParams.js';
import { jwtTokenKind } from '../jwt/jwtTokenKind.js';
import type { IdpTokenKind } from '../session/IdpTokenKind.js';
import type { CredentialsCallOptions } from './Credentials.js';
import { captureServerDate } from './captureServerDate.js';
import { DEFAULT_STS_REGION, StsCredentials, type StsResponse } from './StsCredentials.js';

/** Default `RoleSessionName` of {@link WebIdentityCredentials}. */
export const DEFAULT_WEB_IDENTITY_SESSION_NAME = 'web-identity';

/**
 * Parameters of {@link WebIdentityCredentials}: those of STS AssumeRoleWithWebIdentity, with
 * `RoleSessionName` optional.
 */
export type WebIdentityCredentialsParams = Omit<
  AssumeRoleWithWebIdentityCommandInput,
  'RoleSessionName' | 'WebIdentityToken'
> & {
  /**
   * The IdP's JWT (OIDC ID token or OAuth access token). May be left out at construction when a
   * federated session supplies it from its token source; a refresh without one is rejected.
   */
  WebIdentityToken?: string | undefined;
  /** Name of the role session (2–64 characters of `[\w+=,.@-]`). @default 'web-identity' */
  RoleSessionName?: string | undefined;
};

/**
 * Credentials from STS AssumeRoleWithWebIdentity: an OpenID Connect ID token (or OAuth 2.0 access
 * token with `ProviderId`) exchanged for temporary credentials of `RoleArn`. The port of AWS SDK
 * v2's `AWS.WebIdentityCredentials`.
 *
 * The parameters are checked at construction and before every refresh. To keep refreshing after
 * the IdP token expires, put a fresh token in `params.WebIdentityToken` (a federated session does
 * this for you).
 *
 * @example
 * ```ts
 * const creds = new WebIdentityCredentials(
 *   { RoleArn: 'arn:aws:iam::123456789012:role/web', WebIdentityToken: idToken },
 *   { region: 'eu-west-1' },
 * );
 * const s3 = new S3Client({ region: 'eu-west-1', credentials: creds.toProvider() });
 * creds.params.WebIdentityToken = renewedIdToken; // used by the next refresh
 * ```
 */
export class WebIdentityCredentials extends StsCredentials<
  WebIdentityCredentialsParams,
  AssumeRoleWithWebIdentityCommandOutput
> {
  /**
   * @param params - AssumeRoleWithWebIdentity parameters; copied, never mutated.
   * @param clientConfig - configuration of the STS client (`region` defaults to `us-east-1`,
   *   `endpoint`, `maxAttempts`, `requestHandler`, …).
   * @throws {@link InvalidParameterError} naming the parameter when one is missing or malformed.
   */
  constructor(params: WebIdentityCredentialsParams, clientConfig: STSClientConfig = {}) {
    requireRoleParams(params);
    super(
      { ...params, RoleSessionName: params.RoleSessionName ?? DEFAULT_WEB_IDENTITY_SESSION_NAME },
      new STSClient({ ...clientConfig, region: clientConfig.region ?? DEFAULT_STS_REGION }),
    );
    // The token may come later: a federated session writes it in before every refresh.
    validateWebIdentityParams(this.params, { tokenOptional: true });
  }

  protected override get operation(): string {
    return 'AssumeRoleWithWebIdentity';
  }

  /** @internal */
  override get idpToken(): IdpTokenKind {
    return jwtTokenKind;
  }

  protected override validate(params: WebIdentityCredentialsParams): void {
    validateWebIdentityParams(params);
  }

  protected override get tokenParam(): 'WebIdentityToken' {
    return 'WebIdentityToken';
  }

  protected override async send(
    params: WebIdentityCredentialsParams,
    { signal }: CredentialsCallOptions,
  ): Promise<StsResponse<AssumeRoleWithWebIdentityCommandOutput>> {
    const input: AssumeRoleWithWebIdentityCommandInput = {
      ...params,
      // validate() has checked it is there.
      WebIdentityToken: params.WebIdentityToken,
      RoleSessionName: params.RoleSessionName ?? DEFAULT_WEB_IDENTITY_SESSION_NAME,
    };
    const command = new AssumeRoleWithWebIdentityCommand(input);
    const serverDate = captureServerDate(command);
    const output = await this.service.send(command, signal ? { abortSignal: signal } : {});
    return { output, serverDate: serverDate() };
  }
}
