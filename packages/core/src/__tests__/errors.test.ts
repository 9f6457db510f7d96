import { inspect } from 'node:util';
import {
  ExpiredTokenException,
  GetCallerIdentityCommand,
  IDPCommunicationErrorException,
  IDPRejectedClaimException,
  InvalidIdentityTokenException,
  MalformedPolicyDocumentException,
  PackedPolicyTooLargeException,
  RegionDisabledException,
  STSClient,
  STSServiceException,
} from '@aws-sdk/client-sts';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AbortedError,
  FedcredsError,
  InvalidParameterError,
  MfaError,
  NetworkError,
  StsError,
  TimeoutError,
  toFedcredsError,
  type FedcredsErrorCode,
} from '@fedcreds/core';

const metadata = { httpStatusCode: 400, requestId: 'req-1234' };

function sdkError(name: string, status = 400, message = 'from STS'): STSServiceException {
  return new STSServiceException({
    name,
    $fault: status >= 500 ? 'server' : 'client',
    message,
    $metadata: { ...metadata, httpStatusCode: status },
  });
}

describe('toFedcredsError', () => {
  it.each<[string, () => unknown, FedcredsErrorCode, boolean]>([
    [
      'ExpiredTokenException',
      () => new ExpiredTokenException({ message: 'x', $metadata: metadata }),
      'ERR_STS_EXPIRED_TOKEN',
      false,
    ],
    ['ExpiredToken (wire)', () => sdkError('ExpiredToken'), 'ERR_STS_EXPIRED_TOKEN', false],
    [
      'InvalidIdentityTokenException',
      () => new InvalidIdentityTokenException({ message: 'x', $metadata: metadata }),
      'ERR_STS_INVALID_IDENTITY_TOKEN',
      false,
    ],
    [
      'IDPRejectedClaimException',
      () => new IDPRejectedClaimException({ message: 'x', $metadata: metadata }),
      'ERR_STS_IDP_REJECTED_CLAIM',
      false,
    ],
    [
      'IDPCommunicationErrorException',
      () => new IDPCommunicationErrorException({ message: 'x', $metadata: metadata }),
      'ERR_STS_IDP_COMMUNICATION',
      true,
    ],
    [
      'IDPCommunicationError (wire)',
      () => sdkError('IDPCommunicationError'),
      'ERR_STS_IDP_COMMUNICATION',
      true,
    ],
    ['AccessDenied', () => sdkError('AccessDenied', 403), 'ERR_STS_ACCESS_DENIED', false],
    [
      'AccessDeniedException',
      () => sdkError('AccessDeniedException', 403),
      'ERR_STS_ACCESS_DENIED',
      false,
    ],
    [
      'MalformedPolicyDocumentException',
      () => new MalformedPolicyDocumentException({ message: 'x', $metadata: metadata }),
      'ERR_STS_MALFORMED_POLICY',
      false,
    ],
    [
      'PackedPolicyTooLargeException',
      () => new PackedPolicyTooLargeException({ message: 'x', $metadata: metadata }),
      'ERR_STS_PACKED_POLICY_TOO_LARGE',
      false,
    ],
    [
      'RegionDisabledException',
      () => new RegionDisabledException({ message: 'x', $metadata: metadata }),
      'ERR_STS_REGION_DISABLED',
      false,
    ],
    [
      'SignatureDoesNotMatch',
      () => sdkError('SignatureDoesNotMatch', 403),
      'ERR_STS_INVALID_CLIENT',
      false,
    ],
    [
      'InvalidClientTokenId',
      () => sdkError('InvalidClientTokenId', 403),
      'ERR_STS_INVALID_CLIENT',
      false,
    ],
    ['ValidationError', () => sdkError('ValidationError'), 'ERR_STS_VALIDATION', false],
    ['Throttling', () => sdkError('Throttling'), 'ERR_STS_THROTTLED', true],
    ['RequestLimitExceeded', () => sdkError('RequestLimitExceeded'), 'ERR_STS_THROTTLED', true],
    ['an unknown code with HTTP 429', () => sdkError('SlowDown', 429), 'ERR_STS_THROTTLED', true],
    ['InternalFailure (500)', () => sdkError('InternalFailure', 500), 'ERR_STS_UNAVAILABLE', true],
    [
      'ServiceUnavailable (503)',
      () => sdkError('ServiceUnavailable', 503),
      'ERR_STS_UNAVAILABLE',
      true,
    ],
    ['an unknown 4xx code', () => sdkError('SomethingNew', 400), 'ERR_STS', false],
  ])('maps %s to its stable code', (_label, make, code, retryable) => {
    const original = make();
    const err = toFedcredsError(original, { operation: 'AssumeRoleWithWebIdentity' });
    expect(err).toBeInstanceOf(StsError);
    expect(err).toBeInstanceOf(FedcredsError);
    expect(err).toMatchObject({ code, retryable, requestId: 'req-1234' });
    // The cause is the SDK error minus its raw HTTP exchange: same class, name and metadata.
    expect(err.cause).toBeInstanceOf((original as object).constructor);
    expect(err.cause).toMatchObject({
      name: (original as Error).name,
      $metadata: (original as STSServiceException).$metadata,
    });
    expect((err as StsError).statusCode).toBe(
      (original as STSServiceException).$metadata.httpStatusCode,
    );
    expect(err.message).toContain('AssumeRoleWithWebIdentity');
  });

  it('keeps the wire code when the SDK class name differs from it', () => {
    const original = Object.assign(
      new InvalidIdentityTokenException({ message: 'bad aud', $metadata: metadata }),
      {
        Code: 'InvalidIdentityToken',
      },
    );
    const err = toFedcredsError(original) as StsError;
    expect(err.wireCode).toBe('InvalidIdentityToken');
    expect(err.message).toContain('bad aud');
  });

  it('says what to do next', () => {
    const err = toFedcredsError(new ExpiredTokenException({ message: 'x', $metadata: metadata }));
    expect(err.message).toMatch(
      /the identity token expired; get a fresh one from the IdP and refresh again/,
    );
  });

  it('returns FedcredsErrors unchanged', () => {
    const err = new MfaError('arn:aws:iam::123456789012:mfa/u', 'no code');
    expect(toFedcredsError(err)).toBe(err);
    const invalid = new InvalidParameterError('RoleArn', 'bad');
    expect(toFedcredsError(invalid)).toBe(invalid);
  });

  it('maps AbortError to AbortedError, and a signal aborted by a timeout to TimeoutError', () => {
    const abort = Object.assign(new Error('Request aborted'), { name: 'AbortError' });
    expect(toFedcredsError(abort)).toBeInstanceOf(AbortedError);
    const signal = AbortSignal.abort(new DOMException('timed out', 'TimeoutError'));
    const timedOut = toFedcredsError(abort, { signal });
    expect(timedOut).toBeInstanceOf(TimeoutError);
    expect(timedOut.retryable).toBe(true);
  });

  it('cuts secrets the server echoed out of the message and the cause', () => {
    const token = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJl';
    const original = sdkError('InvalidIdentityToken', 400, `Token ${token} is invalid`);
    const err = toFedcredsError(original, { secrets: [token] });
    expect(err.message).toContain('[redacted]');
    expect(inspect(err, { depth: 10 })).not.toContain(token);
    expect(JSON.stringify(err)).not.toContain(token);
  });

  it('cuts secrets out of a thrown string, which is both the message and the cause', () => {
    const token = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJl';
    const err = toFedcredsError(`rejected ${token}`, { secrets: [token] });
    expect(err.message).toContain('rejected [redacted]');
    expect(err.cause).toBe('rejected [redacted]');
    expect(inspect(err, { depth: 10 })).not.toContain(token);
  });

  describe('against real HTTP', () => {
    let hanging: Server;
    let port: number;
    beforeAll(async () => {
      hanging = createServer(() => {
        // Never answers: the client's timeout must fire.
      });
      await new Promise<void>((resolve) => hanging.listen(0, '127.0.0.1', resolve));
      port = (hanging.address() as AddressInfo).port;
    });
    afterAll(async () => {
      hanging.closeAllConnections();
      await new Promise((resolve) => hanging.close(resolve));
    });

    const caught = async (client: STSClient, signal?: AbortSignal) => {
      try {
        await client.send(new GetCallerIdentityCommand({}), signal ? { abortSignal: signal } : {});
      } catch (err) {
        return toFedcredsError(err, { signal });
      }
      throw new Error('the request succeeded');
    };
    const credentials = { accessKeyId: 'AKIAEXAMPLE', secretAccessKey: 'secret-never-shown' };

    it('maps a refused connection to a retryable NetworkError', async () => {
      const closed = createServer();
      await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
      const closedPort = (closed.address() as AddressInfo).port;
      await new Promise((resolve) => closed.close(resolve));
      const client = new STSClient({
        endpoint: `http://127.0.0.1:${closedPort}`,
        region: 'us-east-1',
        maxAttempts: 1,
        credentials,
      });
      const err = await caught(client);
      expect(err).toBeInstanceOf(NetworkError);
      expect(err).toMatchObject({ code: 'ERR_NETWORK', retryable: true });
      expect(inspect(err, { depth: 10 })).not.toContain('secret-never-shown');
    });

    it("maps the request handler's timeout to a retryable TimeoutError", async () => {
      const client = new STSClient({
        endpoint: `http://127.0.0.1:${port}`,
        region: 'us-east-1',
        maxAttempts: 1,
        credentials,
        // Without throwOnRequestTimeout the Node handler only logs a warning and keeps waiting.
        requestHandler: { requestTimeout: 100, throwOnRequestTimeout: true },
      });
      const err = await caught(client);
      expect(err).toBeInstanceOf(TimeoutError);
      expect(err.retryable).toBe(true);
    });

    it('maps an aborted request to AbortedError, and AbortSignal.timeout to TimeoutError', async () => {
      const client = new STSClient({
        endpoint: `http://127.0.0.1:${port}`,
        region: 'us-east-1',
        maxAttempts: 1,
        credentials,
      });
      const controller = new AbortController();
      const pending = caught(client, controller.signal);
      setTimeout(() => controller.abort(), 20);
      expect(await pending).toBeInstanceOf(AbortedError);
      expect(await caught(client, AbortSignal.timeout(50))).toBeInstanceOf(TimeoutError);
    });
  });
});
