import {
  AssumeRoleCommand,
  GetSessionTokenCommand,
  STSClient,
  type AssumeRoleCommandInput,
  type AssumeRoleCommandOutput,
  type GetSessionTokenCommandInput,
  type GetSessionTokenCommandOutput,
  type STSClientConfig,
} from '@aws-sdk/client-sts';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import {
  FedcredsError,
  InvalidParameterError,
  MfaError,
  MissingCredentialsError,
} from '../errors.js';
import { toFedcredsError } from '../toFedcredsError.js';
import {
  requireObject,
  validateAssumeRoleParams,
  validateGetSessionTokenParams,
} from '../validation/validateStsParams.js';
import { raceSignal } from '../time/raceSignal.js';
import { Credentials, type CredentialsCallOptions } from './Credentials.js';
import { captureServerDate } from './captureServerDate.js';
import {
  DEFAULT_STS_REGION,
  StsCredentials,
  isTemporaryCredentials,
  type StsResponse,
} from './StsCredentials.js';

/** Default `RoleSessionName` of {@link ChainableTemporaryCredentials} when a role is assumed. */
export const DEFAULT_CHAINABLE_SESSION_NAME = 'temporary-credentials';

/**
 * Parameters of {@link ChainableTemporaryCredentials}: AssumeRole's when `RoleArn` is set (with
 * `RoleSessionName` optional), otherwise GetSessionToken's (`DurationSeconds`, `SerialNumber`).
 */
export type ChainableTemporaryCredentialsParams = Partial<AssumeRoleCommandInput> &
  GetSessionTokenCommandInput;

/**
 * Credentials that sign the STS request: a fedcreds {@link Credentials} object (refreshed first when
 * it needs it), an SDK v3 credential provider (asked on every refresh), or fixed keys.
 */
export type MasterCredentials = Credentials | AwsCredentialIdentityProvider | AwsCredentialIdentity;

/** Callback a {@link TokenCodeFn} answers with: an error, or the MFA code. */
export type TokenCodeCallback = (err?: unknown, tokenCode?: string) => void;

/**
 * Supplies the current MFA code for `serialNumber`: through `callback(err, code)` as in v2, or by
 * returning the code or a promise of it.
 */
export type TokenCodeFn = (
  serialNumber: string,
  callback: TokenCodeCallback,
) => void | string | PromiseLike<string>;

/** Options of `new ChainableTemporaryCredentials({ … })`. */
export interface ChainableTemporaryCredentialsOptions {
  /**
   * AssumeRole (with `RoleArn`) or GetSessionToken parameters; copied, never mutated.
   * @default {}
   */
  params?: ChainableTemporaryCredentialsParams | undefined;
  /**
   * Credentials that sign the request. Required: fedcreds has no global configuration. May be
   * temporary themselves (another `ChainableTemporaryCredentials`, `WebIdentityCredentials`, …), so
   * chains of any depth keep refreshing.
   */
  masterCredentials?: MasterCredentials | undefined;
  /** Supplies the MFA code when `params.SerialNumber` is set; asked once per refresh. @default null */
  tokenCodeFn?: TokenCodeFn | null | undefined;
  /** Configuration of the STS client (`region` defaults to `us-east-1`, `endpoint`, …). */
  stsConfig?: STSClientConfig | undefined;
}

/**
 * The STS response a {@link ChainableTemporaryCredentials} keeps in `data`: GetSessionToken's, plus
 * AssumeRole's `AssumedRoleUser` and friends when a role was assumed.
 */
export type ChainableTemporaryCredentialsOutput = GetSessionTokenCommandOutput &
  Partial<Pick<AssumeRoleCommandOutput, 'AssumedRoleUser' | 'PackedPolicySize' | 'SourceIdentity'>>;

/**
 * Temporary credentials from STS AssumeRole when `params.RoleArn` is set, otherwise from
 * GetSessionToken, signed with `masterCredentials` — the port of AWS SDK v2's
 * `AWS.ChainableTemporaryCredentials`. Every refresh goes through the master credentials (refreshing
 * them first when they need it), so role A assumed from role B assumed from a web identity keeps
 * refreshing.
 *
 * @example
 * ```ts
 * const web = new WebIdentityCredentials({ RoleArn: roleB, WebIdentityToken: idToken });
 * const roleA = new ChainableTemporaryCredentials({
 *   params: { RoleArn: 'arn:aws:iam::123456789012:role/RoleA' },
 *   masterCredentials: web,
 * });
 * const dynamo = new DynamoDBClient({ credentials: roleA.toProvider() });
 * ```
 */
export class ChainableTemporaryCredentials extends StsCredentials<
  ChainableTemporaryCredentialsParams,
  ChainableTemporaryCredentialsOutput
> {
  /** The credentials that sign this object's STS requests. */
  readonly masterCredentials: MasterCredentials;
  /** Supplies MFA codes when `params.SerialNumber` is set. */
  tokenCodeFn: TokenCodeFn | null;
  /**
   * Secrets of the last request that are not in `params` — the master's keys and the MFA code
   * `tokenCodeFn` gave — so an echo of them can be cut out of error messages.
   */
  #lastSecrets: (string | undefined)[] = [];
  /**
   * The master identity of the request `send` is making: the signer uses it, so the master is
   * asked once per refresh and the keys that sign are the ones `send` checked.
   */
  #signing: AwsCredentialIdentity | undefined;

  /**
   * @throws {@link MissingCredentialsError} without `masterCredentials`.
   * @throws {@link InvalidParameterError} for a malformed parameter, `DurationSeconds` over 3600
   *   with temporary master credentials, or `params.SerialNumber` without `tokenCodeFn`.
   */
  constructor(options: ChainableTemporaryCredentialsOptions = {}) {
    requireObject(
      options,
      'options',
      'an object { params, masterCredentials, tokenCodeFn, stsConfig }',
    );
    const { params = {}, tokenCodeFn = null, stsConfig = {} } = options;
    requireObject(params, 'params', 'an object of AssumeRole or GetSessionToken parameters');
    const master = options.masterCredentials ?? stsConfig.credentials;
    if (master === undefined || master === null) {
      throw new MissingCredentialsError(
        'ChainableTemporaryCredentials needs masterCredentials to sign its STS requests (fedcreds has no global config): pass masterCredentials as a Credentials object (e.g. WebIdentityCredentials) or an SDK v3 credential provider.',
      );
    }
    if (!isMasterCredentials(master)) {
      throw new InvalidParameterError(
        'masterCredentials',
        'must be a Credentials object, an SDK v3 credential provider or { accessKeyId, secretAccessKey }',
      );
    }
    // Stricter than validate(): a TokenCode passed up front serves one refresh only.
    if (params.SerialNumber && !tokenCodeFn) throw tokenCodeFnRequired();
    const copy: ChainableTemporaryCredentialsParams = { ...params };
    if (copy.RoleArn && !copy.RoleSessionName)
      copy.RoleSessionName = DEFAULT_CHAINABLE_SESSION_NAME;
    // STS asks this provider on every request (`memoized` stops the SDK caching it), so a master
    // refreshed in between is picked up at once.
    // `this` exists only after super(), which needs the client: the provider finds it through `owner`.
    const owner: { creds?: ChainableTemporaryCredentials } = {};
    const signer = Object.assign(
      (): Promise<AwsCredentialIdentity> =>
        owner.creds
          ? owner.creds.#signingIdentity()
          : Promise.reject(new MissingCredentialsError('The credentials are not constructed yet.')),
      { memoized: true },
    );
    super(
      copy,
      new STSClient({
        ...stsConfig,
        region: stsConfig.region ?? DEFAULT_STS_REGION,
        credentials: signer,
      }),
    );
    owner.creds = this;
    this.masterCredentials = master;
    this.tokenCodeFn = tokenCodeFn;
    this.validate(this.params);
  }

  protected override secrets(params: ChainableTemporaryCredentialsParams): (string | undefined)[] {
    return [...super.secrets(params), ...this.#lastSecrets];
  }

  protected override get operation(): string {
    return this.params.RoleArn ? 'AssumeRole' : 'GetSessionToken';
  }

  /** @internal No IdP token: the master credentials sign the request. */
  override get idpToken(): null {
    return null;
  }

  protected override validate(params: ChainableTemporaryCredentialsParams, chained = false): void {
    if (params.RoleArn !== undefined) {
      validateAssumeRoleParams(params, {
        chained: chained || isTemporaryCredentials(this.masterCredentials),
      });
    } else {
      validateGetSessionTokenParams(params);
      // STS answers AccessDenied "Cannot call GetSessionToken with session credentials".
      if (chained || isTemporaryCredentials(this.masterCredentials)) {
        throw new InvalidParameterError(
          'masterCredentials',
          "are temporary, and STS refuses GetSessionToken signed with session credentials: sign with an IAM user's long-term keys, or set params.RoleArn to assume a role",
        );
      }
    }
    if (params.SerialNumber && !params.TokenCode && !this.tokenCodeFn) throw tokenCodeFnRequired();
  }

  protected override async send(
    params: ChainableTemporaryCredentialsParams,
    { signal }: CredentialsCallOptions,
  ): Promise<StsResponse<ChainableTemporaryCredentialsOutput>> {
    let master = await this.#masterIdentity(signal);
    // A provider's credentials are known to be temporary only once it has answered.
    if (master.sessionToken) this.validate(params, true);
    const input = { ...params };
    if (input.SerialNumber && this.tokenCodeFn) {
      input.TokenCode = await raceSignal(
        askTokenCode(this.tokenCodeFn, input.SerialNumber),
        signal,
      );
      // The user may have taken minutes to answer: sign with the master's keys as they are now.
      master = await this.#masterIdentity(signal);
    }
    this.#lastSecrets = [master.secretAccessKey, master.sessionToken, input.TokenCode];
    this.#signing = master;
    const options = signal ? { abortSignal: signal } : {};
    try {
      if (input.RoleArn) {
        // The constructor's default does not cover a RoleArn assigned to params later.
        const roleInput = {
          ...input,
          RoleSessionName: input.RoleSessionName ?? DEFAULT_CHAINABLE_SESSION_NAME,
        } as AssumeRoleCommandInput;
        const command = new AssumeRoleCommand(roleInput);
        const serverDate = captureServerDate(command);
        const output = await this.service.send(command, options);
        return { output, serverDate: serverDate() };
      }
      const { DurationSeconds, SerialNumber, TokenCode } = input;
      const sessionInput: GetSessionTokenCommandInput = {
        DurationSeconds,
        SerialNumber,
        TokenCode,
      };
      const command = new GetSessionTokenCommand(sessionInput);
      const serverDate = captureServerDate(command);
      const output = await this.service.send(command, options);
      return { output, serverDate: serverDate() };
    } finally {
      if (this.#signing === master) this.#signing = undefined;
    }
  }

  /** What the STS client signs with: the identity `send` got, or the master's when called directly. */
  #signingIdentity(): Promise<AwsCredentialIdentity> {
    const signing = this.#signing;
    return signing ? Promise.resolve(signing) : this.#masterIdentity(undefined);
  }

  /** The master's current credentials, refreshing a fedcreds master first if it needs it. */
  async #masterIdentity(signal: AbortSignal | undefined): Promise<AwsCredentialIdentity> {
    const master = this.masterCredentials;
    let identity: AwsCredentialIdentity;
    if (master instanceof Credentials) {
      identity = await master.getPromise({ signal });
    } else if (typeof master === 'function') {
      try {
        identity = await raceSignal(Promise.resolve(master()), signal);
      } catch (err) {
        throw masterProviderError(err, signal);
      }
    } else {
      identity = master;
    }
    if (!identity?.accessKeyId || !identity.secretAccessKey) {
      throw new MissingCredentialsError(
        'The masterCredentials have no accessKeyId/secretAccessKey; pass master credentials that hold keys.',
      );
    }
    return identity;
  }
}

/** Whether `value` can sign: a fedcreds object, a provider, or fixed keys that are both set. */
function isMasterCredentials(value: unknown): value is MasterCredentials {
  if (value instanceof Credentials || typeof value === 'function') return true;
  const keys = value as Partial<AwsCredentialIdentity> | null;
  return (
    typeof keys === 'object' &&
    keys !== null &&
    typeof keys.accessKeyId === 'string' &&
    keys.accessKeyId !== '' &&
    typeof keys.secretAccessKey === 'string' &&
    keys.secretAccessKey !== ''
  );
}

function tokenCodeFnRequired(): InvalidParameterError {
  return new InvalidParameterError(
    'tokenCodeFn',
    'is required when params.SerialNumber is set: pass tokenCodeFn(serialNumber, callback), or one returning a promise of the MFA code',
  );
}

function masterProviderError(err: unknown, signal: AbortSignal | undefined): FedcredsError {
  if (err instanceof FedcredsError) return err;
  const mapped = toFedcredsError(err, { operation: 'master credentials', signal });
  if (mapped.code !== 'ERR_STS' || mapped.cause === undefined || hasMetadata(err)) return mapped;
  return new MissingCredentialsError(
    'The masterCredentials provider failed to give credentials; check the master credentials and try again.',
    { cause: err },
  );
}

function hasMetadata(err: unknown): boolean {
  return typeof err === 'object' && err !== null && '$metadata' in err;
}

/** Asks `fn` for the MFA code, whichever way it answers, and checks it is six digits. */
async function askTokenCode(fn: TokenCodeFn, serialNumber: string): Promise<string> {
  let code: unknown;
  try {
    code = await new Promise<unknown>((resolve, reject) => {
      const callback: TokenCodeCallback = (err, tokenCode) =>
        err ? reject(err) : resolve(tokenCode);
      const result = fn(serialNumber, callback);
      if (typeof result === 'string') resolve(result);
      else if (result && typeof (result as PromiseLike<string>).then === 'function') {
        (result as PromiseLike<string>).then(resolve, reject);
      }
    });
  } catch (err) {
    throw new MfaError(
      serialNumber,
      `tokenCodeFn failed to give the MFA code for ${serialNumber}; ask the user for a new code and refresh again.`,
      { cause: err },
    );
  }
  if (typeof code !== 'string' || !/^\d{6}$/.test(code)) {
    throw new MfaError(
      serialNumber,
      `tokenCodeFn gave no six-digit MFA code for ${serialNumber}; pass the code the device shows.`,
    );
  }
  return code;
}
