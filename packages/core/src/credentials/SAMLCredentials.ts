import {
  AssumeRoleWithSAMLCommand,
  STSClient,
  type AssumeRoleWithSAMLCommandInput,
  type AssumeRoleWithSAMLCommandOutput,
  type STSClientConfig,
} from '@aws-sdk/client-sts';
import { validateSamlParams, requireRoleParams } from '../validation/validateStsParams.js';
import { samlTokenKind } from '../saml/samlTokenKind.js';
import type { IdpTokenKind } from '../session/IdpTokenKind.js';
import type { CredentialsCallOptions } from './Credentials.js';
import { captureServerDate } from './captureServerDate.js';
import { DEFAULT_STS_REGION, StsCredentials, type StsResponse } from './StsCredentials.js';

/** Parameters of {@link SAMLCredentials}: those of STS AssumeRoleWithSAML. */
export type SAMLCredentialsParams = Omit<AssumeRoleWithSAMLCommandInput, 'SAMLAssertion'> & {
  /**
   * The base64 SAML response from the IdP. May be left out at construction when a federated
   * session supplies it from its token source; a refresh without one is rejected.
   */
  SAMLAssertion?: string | undefined;
};

/**
 * Credentials from STS AssumeRoleWithSAML: a base64 SAML response from the IdP exchanged for
 * temporary credentials of `RoleArn`. The port of AWS SDK v2's `AWS.SAMLCredentials`.
 *
 * The parameters are checked at construction and before every refresh. Put a fresh assertion in
 * `params.SAMLAssertion` to keep refreshing once the old one is past its `NotOnOrAfter`.
 *
 * @example
 * ```ts
 * const creds = new SAMLCredentials({
 *   RoleArn: 'arn:aws:iam::123456789012:role/SAMLRole',
 *   PrincipalArn: 'arn:aws:iam::123456789012:saml-provider/MyIdP',
 *   SAMLAssertion: samlResponseBase64,
 * });
 * await creds.getPromise();
 * ```
 */
export class SAMLCredentials extends StsCredentials<
  SAMLCredentialsParams,
  AssumeRoleWithSAMLCommandOutput
> {
  /**
   * @param params - AssumeRoleWithSAML parameters; copied, never mutated.
   * @param clientConfig - configuration of the STS client (`region` defaults to `us-east-1`,
   *   `endpoint`, `maxAttempts`, `requestHandler`, …).
   * @throws {@link InvalidParameterError} naming the parameter when one is missing or malformed.
   */
  constructor(params: SAMLCredentialsParams, clientConfig: STSClientConfig = {}) {
    requireRoleParams(params);
    super(
      params,
      new STSClient({ ...clientConfig, region: clientConfig.region ?? DEFAULT_STS_REGION }),
    );
    // The token may come later: a federated session writes it in before every refresh.
    validateSamlParams(this.params, { tokenOptional: true });
  }

  protected override get operation(): string {
    return 'AssumeRoleWithSAML';
  }

  /** @internal */
  override get idpToken(): IdpTokenKind {
    return samlTokenKind;
  }

  protected override validate(params: SAMLCredentialsParams): void {
    validateSamlParams(params);
  }

  protected override get tokenParam(): 'SAMLAssertion' {
    return 'SAMLAssertion';
  }

  protected override async send(
    params: SAMLCredentialsParams,
    { signal }: CredentialsCallOptions,
  ): Promise<StsResponse<AssumeRoleWithSAMLCommandOutput>> {
    const command = new AssumeRoleWithSAMLCommand({
      ...params,
      SAMLAssertion: params.SAMLAssertion,
    });
    const serverDate = captureServerDate(command);
    const output = await this.service.send(command, signal ? { abortSignal: signal } : {});
    return { output, serverDate: serverDate() };
  }
}
