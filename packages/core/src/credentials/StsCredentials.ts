import type { Credentials as StsWireCredentials, STSClient } from '@aws-sdk/client-sts';
import { StsError } from '../errors.js';
import { defineRedaction } from '../protectIdentity.js';
import type { IdpTokenKind } from '../session/IdpTokenKind.js';
import { toFedcredsError } from '../toFedcredsError.js';
import { Credentials, type CredentialsCallOptions, type LoadedCredentials } from './Credentials.js';

/** Region the STS client uses when the caller configures none: STS's global endpoint lives there. */
export const DEFAULT_STS_REGION = 'us-east-1';

/** The part of every STS credentials response fedcreds reads. */
export interface StsCredentialsOutput {
  /** The temporary credentials. */
  Credentials?: StsWireCredentials | undefined;
  /** The assumed role's ARN and id, when a role was assumed. */
  AssumedRoleUser?:
    | {
        /** The assumed-role session's ARN (`arn:aws:sts::<account>:assumed-role/<role>/<session>`). */
        Arn?: string | undefined;
        /** The assumed role's unique id and the session name (`AROA…:<session>`). */
        AssumedRoleId?: string | undefined;
      }
    | undefined;
}

/** What one STS request answered (see {@link StsCredentials.send}). */
export interface StsResponse<O> {
  /** The response as the SDK parsed it. */
  output: O;
  /** The response's `Date` header (STS's clock), when the runtime let it be read. */
  serverDate: Date | undefined;
}

/** Result of {@link StsCredentials.exchange}. */
export interface StsExchangeResult<O> {
  /** The STS response; its secrets show as `[redacted]` in `JSON.stringify` (the shape of `data`). */
  output: O;
  /** The response's `Date` header (STS's clock), when readable: evidence of the local clock's skew. */
  serverDate: Date | undefined;
  /** The credentials in the response (`expireTime` on STS's clock). */
  credentials: LoadedCredentials;
}

/** Options of {@link StsCredentials.exchange}. */
export interface StsExchangeOptions {
  /** Aborts the request (rejecting with `AbortedError`, or `TimeoutError` for a timeout reason). */
  signal?: AbortSignal | undefined;
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

  /**
   * The IdP token a federated session feeds this class; `null` when it sends none (role
   * chaining); `undefined` for a class a session cannot own.
   *
   * @internal
   */
  get idpToken(): IdpTokenKind | null | undefined {
    return undefined;
  }

  /** Stores a redacting copy of `params` and the client; subclasses validate. */
  protected constructor(params: P, service: STSClient) {
    super();
    this.params = defineRedaction({ ...params });
    this.service = service;
  }

  /** Checks `params` before any request; throws an `InvalidParameterError`. */
  protected abstract validate(params: P): void | Promise<void>;

  /** Sends the STS request for `params`; see `captureServerDate` for the `Date` header. */
  protected abstract send(params: P, options: CredentialsCallOptions): Promise<StsResponse<O>>;

  /**
   * The parameter an IdP token goes in (`WebIdentityToken`, `SAMLAssertion`), or `null` when the
   * request carries none (role chaining).
   */
  protected get tokenParam(): 'WebIdentityToken' | 'SAMLAssertion' | null {
    return null;
  }

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

  /**
   * One STS request for `params` with `token` as the IdP token (`WebIdentityToken` /
   * `SAMLAssertion`; `undefined` uses the one in `params`, and role chaining sends none). Stateless:
   * it checks the parameters before any network call and returns what STS answered, but changes
   * nothing on this object — no field, no `params`, no `data`. `refresh()` uses it and then stores
   * the result; a federated session uses it and keeps the result itself.
   *
   * @throws {@link InvalidParameterError} for bad parameters, before any request; a
   *   `FedcredsError` for what STS or the network answered.
   *
   * @example
   * ```ts
   * const { credentials, serverDate } = await creds.exchange(idToken, { signal });
   * ```
   */
  async exchange(
    token: string | undefined,
    options: StsExchangeOptions = {},
  ): Promise<StsExchangeResult<O>> {
    const { signal } = options;
    // A snapshot: a token assigned while the request is in flight waits for the next refresh.
    const params = { ...this.params };
    const tokenParam = this.tokenParam;
    if (token !== undefined && tokenParam !== null) {
      (params as Record<string, unknown>)[tokenParam] = token;
    }
    await this.validate(params);
    let response: StsResponse<O>;
    try {
      response = await this.send(params, { signal });
    } catch (err) {
      throw toFedcredsError(err, {
        operation: this.operation,
        signal,
        secrets: this.secrets(params),
      });
    }
    return {
      credentials: credentialsFromOutput(response.output, this.operation),
      output: redactedOutput(response.output),
      serverDate: response.serverDate,
    };
  }

  protected override async load(options: CredentialsCallOptions): Promise<LoadedCredentials> {
    const { credentials, output } = await this.exchange(undefined, options);
    // An aborted call's late answer is dropped by the base class; its `data` must be too.
    if (!options.signal?.aborted) this.data = output;
    return credentials;
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
