import type { Credentials as StsWireCredentials, STSClient } from '@aws-sdk/client-sts';
import { StsError } from '../errors.js';
import { defineRedaction } from '../protectIdentity.js';
import { toFedcredsError } from '../toFedcredsError.js';
import { Credentials, type CredentialsCallOptions, type LoadedCredentials } from './Credentials.js';

/** Region the STS client uses when the caller configures none: STS's global endpoint lives there. */
export const DEFAULT_STS_REGION = 'us-east-1';

/** The part of every STS credentials response fedcreds reads. */
export interface StsCredentialsOutput {
  /** The temporary credentials. */
  Credentials?: StsWireCredentials | undefined;
  /** The assumed role's ARN and id, when a role was assumed. */
  AssumedRoleUser?: { Arn?: string | undefined; AssumedRoleId?: string | undefined } | undefined;
}

/**
 * Base of the credential classes that get temporary credentials from STS: holds the STS client
 * (`service`), the request parameters (`params`, a copy the next refresh reads again) and the last
 * response (`data`), and turns a response into credentials.
 *
 * @typeParam P - the request parameters.
 * @typeParam O - the STS response.
 */
export abstract class StsCredentials<
  P extends object,
  O extends StsCredentialsOutput,
> extends Credentials {
  /** The STS client requests go through. */
  readonly service: STSClient;
  /**
   * Parameters of the next request: a copy of what the constructor got. Assign to it (for instance
   * a fresh `WebIdentityToken`) and the next refresh uses the new value.
   */
  params: P;
  /** The last successful STS response, or `null` before the first. */
  data: O | null = null;

  /** Stores a redacting copy of `params` and the client; subclasses validate. */
  protected constructor(params: P, service: STSClient) {
    super();
    this.params = defineRedaction({ ...params });
    this.service = service;
  }

  /** Checks `params` before any request; throws an `InvalidParameterError`. */
  protected abstract validate(params: P): void | Promise<void>;

  /** Sends the STS request for `params`. */
  protected abstract send(params: P, options: CredentialsCallOptions): Promise<O>;

  /** Name of the STS operation, for error messages. */
  protected abstract get operation(): string;

  /** Values to cut out of error messages should the server echo them. */
  protected secrets(params: P): (string | undefined)[] {
    const p = params as { WebIdentityToken?: string; SAMLAssertion?: string; TokenCode?: string };
    return [
      p.WebIdentityToken,
      p.SAMLAssertion,
      p.TokenCode,
      this.secretAccessKey,
      this.sessionToken,
    ];
  }

  protected override async load(options: CredentialsCallOptions): Promise<LoadedCredentials> {
    // A snapshot: a token assigned while the request is in flight waits for the next refresh.
    const params = { ...this.params };
    await this.validate(params);
    let output: O;
    try {
      output = await this.send(params, options);
    } catch (err) {
      throw toFedcredsError(err, {
        operation: this.operation,
        signal: options.signal,
        secrets: this.secrets(params),
      });
    }
    const loaded = credentialsFromOutput(output, this.operation);
    // An aborted call's late answer is dropped by the base class; its `data` must be too.
    if (!options.signal?.aborted) this.data = redactedOutput(output);
    return loaded;
  }

  override toJSON(): Record<string, unknown> {
    const roleArn = (this.params as { RoleArn?: unknown }).RoleArn;
    return { ...super.toJSON(), ...(typeof roleArn === 'string' && { roleArn }) };
  }
}

function credentialsFromOutput(output: StsCredentialsOutput, operation: string): LoadedCredentials {
  const c = output.Credentials;
  if (!c?.AccessKeyId || !c.SecretAccessKey) {
    throw new StsError(
      'ERR_STS',
      `STS ${operation} answered without credentials; check the STS endpoint.`,
      false,
      {
        wireCode: 'MissingCredentials',
      },
    );
  }
  const expiration =
    c.Expiration instanceof Date ? c.Expiration : c.Expiration ? new Date(c.Expiration) : null;
  return {
    accessKeyId: c.AccessKeyId,
    secretAccessKey: c.SecretAccessKey,
    sessionToken: c.SessionToken,
    expireTime: expiration && !Number.isNaN(expiration.getTime()) ? expiration : null,
    accountId: accountIdOf(output.AssumedRoleUser?.Arn),
  };
}

function accountIdOf(arn: string | undefined): string | undefined {
  return arn?.split(':')[4] || undefined;
}

function redactedOutput<O extends object>(output: O): O {
  const copy = defineRedaction({ ...output });
  const creds = (copy as StsCredentialsOutput).Credentials;
  if (creds) (copy as StsCredentialsOutput).Credentials = defineRedaction({ ...creds });
  return copy;
}

/** Whether `value` is temporary: an STS-backed credentials object or one holding a session token. */
export function isTemporaryCredentials(value: unknown): boolean {
  if (value instanceof StsCredentials) return true;
  return (
    typeof value === 'object' &&
    value !== null &&
    Boolean((value as { sessionToken?: unknown }).sessionToken)
  );
}
