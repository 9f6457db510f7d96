import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { DevstackConfig } from '../config.js';
import type { CredentialStore, IssuedCredential } from '../credentialStore.js';
import { answerControl, isControlPath } from '../http/controlRoutes.js';
import { Counters } from '../http/counters.js';
import { answerPreflight, corsHeaders, isPreflight } from '../http/cors.js';
import type { CorsPolicy } from '../http/cors.js';
import { readBody } from '../http/readBody.js';
import { closeServer, listen } from '../http/serverLifecycle.js';
import { RequestLog } from '../requestLog.js';
import type { RequestLogEntry } from '../requestLog.js';
import { parseSigV4 } from '../sigv4/parseSigV4.js';
import type { IncomingSignedRequest } from '../sigv4/parseSigV4.js';
import { verifySigV4 } from '../sigv4/verifySigV4.js';
import type { SigV4FailureReason } from '../sigv4/verifySigV4.js';
import { assumeRole } from './assumeRole.js';
import { assumeRoleWithSaml } from './assumeRoleWithSaml.js';
import { assumeRoleWithWebIdentity } from './assumeRoleWithWebIdentity.js';
import { getCallerIdentity } from './getCallerIdentity.js';
import { getSessionToken } from './getSessionToken.js';
import type { StsAction, StsActionContext } from './stsAction.js';
import { StsError } from './stsError.js';
import { FaultQueue } from './stsFaults.js';
import type { ResolvedFault, StsFault, StsFaults } from './stsFaults.js';
import { StsParams } from './stsParams.js';
import { renderError, renderResult } from './stsXml.js';
import type { XmlFields } from './stsXml.js';
import { WebIdentityKeys } from './webIdentityKeys.js';

/** The only API version of STS. */
export const STS_API_VERSION = '2011-06-15';
/** Largest request body accepted (SAML assertions may be up to 100k characters, encoded). */
const MAX_BODY_BYTES = 1024 * 1024;
/** Dependencies of {@link startSts}. */
export interface StartStsDeps {
  /** Credential store shared with the gateway. */
  store: CredentialStore;
  /** Issuer URL of the stack's OpenID Provider; a role trust issuer of `'devstack'` means it. */
  oidcIssuer?: string;
  /** PEM certificate the SAML IdP signs responses with. */
  samlSigningCertPem?: string;
  /** Port to listen on; `0` picks a free one. @default config.ports.sts */
  port?: number;
  /** Epoch-ms clock driving every expiry decision. @default Date.now */
  clock?: () => number;
  /** JSON-lines file the request log is appended to. */
  logFile?: string;
}

/** Request counters of a local STS server (counted before faults apply). */
export interface StsStats {
  /** STS API requests received (control endpoints and CORS preflights excluded). */
  requests: number;
  /** Requests per `Action` (`(none)` when absent). */
  byAction: Record<string, number>;
  /** Requests signed with each access key id (whether or not the signature held). */
  byAccessKey: Record<string, number>;
  /** Error responses per wire code. */
  errors: Record<string, number>;
}

/** A running local STS. */
export interface StsServer {
  /** Base URL (`http://127.0.0.1:<port>`), the endpoint for `STSClient`. */
  url: string;
  /** A copy of the request counters. */
  stats(): StsStats;
  /** Fault injection: errors, delays and hangs for upcoming requests. */
  faults: StsFaults;
  /** The request log, oldest first: action, status, error code, key prefix; never a secret. */
  log(): RequestLogEntry[];
  /** Closes the server, answering nothing more (hanging requests are cut off). */
  stop(): Promise<void>;
}

const ACTIONS: Readonly<Record<string, StsAction>> = {
  AssumeRoleWithWebIdentity: assumeRoleWithWebIdentity,
  AssumeRoleWithSAML: assumeRoleWithSaml,
  AssumeRole: assumeRole,
  GetSessionToken: getSessionToken,
  GetCallerIdentity: getCallerIdentity,
};

/** The STS error for a refused signature, in AWS STS's codes and words. */
function authError(reason: SigV4FailureReason, message: string): StsError {
  switch (reason) {
    case 'missing':
      return new StsError('MissingAuthenticationToken', 'Request is missing Authentication Token');
    case 'malformed':
    case 'malformed-query':
      return new StsError('IncompleteSignature', message);
    case 'wrong-region':
      return new StsError(
        'SignatureDoesNotMatch',
        'Credential should be scoped to a valid region. ',
      );
    case 'wrong-service':
      return new StsError(
        'SignatureDoesNotMatch',
        "Credential should be scoped to correct service: 'sts'. ",
      );
    case 'unknown-key':
    case 'token-mismatch':
      return new StsError(
        'InvalidClientTokenId',
        'The security token included in the request is invalid.',
      );
    case 'expired':
      return new StsError('ExpiredToken', 'The security token included in the request is expired');
    default:
      return new StsError('SignatureDoesNotMatch', message);
  }
}

/**
 * Starts a local AWS STS on 127.0.0.1 speaking the Query protocol (`Action=…&Version=2011-06-15`,
 * POST form or GET query) with AWS's XML responses and errors, so `@aws-sdk/client-sts` works
 * against it unchanged. Implements AssumeRoleWithWebIdentity, AssumeRoleWithSAML, AssumeRole,
 * GetSessionToken and GetCallerIdentity over `config`'s roles and keys.
 *
 * Control endpoints: `GET /__devstack/stats`, `GET /__devstack/log`, `POST /__devstack/faults`
 * (a {@link StsFault} as JSON, or `{"clear":true}`).
 *
 * @example
 * const store = new CredentialStore(config);
 * const sts = await startSts(config, { store, oidcIssuer: op.issuer, port: 0 });
 * const client = new STSClient({ endpoint: sts.url, region: 'us-east-1' });
 */
export async function startSts(config: DevstackConfig, deps: StartStsDeps): Promise<StsServer> {
  const clock = deps.clock ?? Date.now;
  const faults = new FaultQueue();
  const requestLog = new RequestLog(deps.logFile === undefined ? {} : { file: deps.logFile });
  const webIdentityKeys = new WebIdentityKeys(config, deps.oidcIssuer);
  const counters = new Counters(['byAction', 'byAccessKey', 'errors'] as const);
  const cors: CorsPolicy = {
    allowedOrigins: config.allowedOrigins,
    allowedMethods: 'GET, POST, OPTIONS',
    exposedHeaders: 'Date, x-amzn-RequestId',
  };
  const pending = new Set<() => void>();
  let stopping = false;

  async function wait(ms: number, res: ServerResponse): Promise<boolean> {
    return new Promise((resolve) => {
      const done = (completed: boolean) => {
        clearTimeout(timer);
        pending.delete(cancel);
        res.off('close', onClose);
        resolve(completed);
      };
      const cancel = () => done(false);
      const onClose = () => done(false);
      const timer = setTimeout(() => done(true), ms);
      pending.add(cancel);
      res.on('close', onClose);
    });
  }

  function hang(res: ServerResponse): void {
    const cancel = () => {
      pending.delete(cancel);
      res.destroy();
    };
    pending.add(cancel);
    res.on('close', () => pending.delete(cancel));
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const requestId = randomUUID();
    const now = clock();
    res.setHeader('Date', new Date(now).toUTCString());
    res.setHeader('x-amzn-RequestId', requestId);
    for (const [name, value] of Object.entries(corsHeaders(req.headers.origin, cors))) {
      res.setHeader(name, value);
    }
    const method = req.method ?? 'GET';
    const url = new URL(req.url ?? '/', 'http://sts.invalid');
    const entry: RequestLogEntry = {
      time: new Date(now).toISOString(),
      requestId,
      method,
      action: '(none)',
      status: 200,
    };
    const finish = () => {
      if (entry.code !== undefined) counters.count('errors', entry.code);
      requestLog.append(entry);
    };
    const sendError = (code: string, message: string, status: number) => {
      res.statusCode = status;
      res.setHeader('Content-Type', 'text/xml');
      res.end(renderError(code, message, status, requestId));
      entry.status = status;
      entry.code = code;
    };

    if (isPreflight(req)) {
      answerPreflight(req, res, cors);
      return;
    }
    if (isControlPath(url.pathname)) {
      const result = await answerControl(req, res, url.pathname, controlRoutes, {});
      entry.action = result.action;
      entry.status = result.status;
      requestLog.append(entry);
      return;
    }

    const read = await readBody(req, MAX_BODY_BYTES).catch(() => undefined);
    if (read === undefined) {
      // The client hung up mid-body: nobody is left to answer.
      res.destroy();
      return;
    }
    if (!read.ok) {
      counters.request();
      // Before sendError: once it has ended the response, setting a header throws.
      res.setHeader('Connection', 'close');
      sendError('RequestEntityTooLarge', `Request body larger than ${MAX_BODY_BYTES} bytes.`, 413);
      finish();
      return;
    }
    const body = read.body;
    const params = new URLSearchParams(url.search);
    if (method === 'POST' && body.length > 0) {
      for (const [key, value] of new URLSearchParams(body.toString('utf8')))
        params.append(key, value);
    }
    const action = params.get('Action') ?? undefined;
    const signed: IncomingSignedRequest = {
      method,
      path: (req.url ?? '/').split('?')[0] ?? '/',
      query: new URLSearchParams(url.search),
      headers: req.headers,
      body,
    };
    const parsedSignature = parseSigV4(signed);
    const accessKeyId = parsedSignature.ok ? parsedSignature.parts.accessKeyId : undefined;

    counters.request();
    counters.count('byAction', action ?? '(none)');
    if (accessKeyId !== undefined) {
      counters.count('byAccessKey', accessKeyId);
      entry.accessKeyId = accessKeyId;
    }
    entry.action = action ?? '(none)';

    const fault: ResolvedFault | undefined = faults.take(action);
    if (fault) {
      entry.fault = true;
      if (fault.delayMs !== undefined && fault.delayMs > 0) {
        if (!(await wait(fault.delayMs, res))) {
          entry.status = 0;
          finish();
          return;
        }
      }
      if (fault.hang) {
        hang(res);
        entry.status = 0;
        finish();
        return;
      }
      if (fault.error) {
        sendError(fault.error.code, fault.error.message, fault.error.status);
        finish();
        return;
      }
      delete entry.fault;
    }

    try {
      if (method !== 'GET' && method !== 'POST') {
        throw new StsError('InvalidAction', `STS answers GET and POST, not ${method}.`, 405);
      }
      if (action === undefined || action === '') {
        throw new StsError(
          'InvalidAction',
          'The action or operation requested is invalid. Verify that the action is typed correctly.',
        );
      }
      const version = params.get('Version');
      if (version !== STS_API_VERSION) {
        throw new StsError(
          'InvalidAction',
          version === null
            ? `Could not find operation ${action} without a Version; send Version=${STS_API_VERSION}`
            : `Could not find operation ${action} for version ${version}`,
        );
      }
      const implementation = Object.hasOwn(ACTIONS, action) ? ACTIONS[action] : undefined;
      if (!implementation) {
        throw new StsError(
          'InvalidAction',
          `Could not find operation ${action} for version ${STS_API_VERSION}`,
        );
      }
      let authenticated: Promise<IssuedCredential> | undefined;
      const ctx: StsActionContext = {
        config,
        store: deps.store,
        params: new StsParams(params),
        now,
        request: signed,
        webIdentityKeys,
        samlSigningCertPem: deps.samlSigningCertPem,
        authenticate: () =>
          (authenticated ??= verifySigV4(signed, deps.store, now, {
            region: config.region,
            services: ['sts'],
          }).then((result) => {
            if (!result.ok) throw authError(result.reason, result.message);
            return result.credential;
          })),
      };
      const result: XmlFields = await implementation(ctx);
      if (stopping) return;
      res.statusCode = 200;
      res.setHeader('Content-Type', 'text/xml');
      res.end(renderResult(action, requestId, result));
    } catch (error) {
      if (error instanceof StsError) {
        sendError(error.code, error.message, error.status);
      } else {
        // Never echo an unexpected error: it could carry request data. The stack keeps serving.
        sendError(
          'InternalFailure',
          'The request processing has failed because of an unknown error, exception or failure.',
          500,
        );
      }
    }
    finish();
  }

  const controlRoutes = {
    stats: () => counters.snapshot(),
    log: () => requestLog.entries(),
    faults: (body: object) => {
      if ((body as { clear?: unknown }).clear === true) faults.clear();
      else faults.failNext(body as StsFault);
    },
  };

  const server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) {
        res.statusCode = 500;
        res.end();
      } else {
        res.destroy();
      }
    });
  });
  await listen(server, deps.port ?? config.ports.sts, config.host);
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://${config.host}:${port}`,
    stats: () => counters.snapshot(),
    faults,
    log: () => requestLog.entries(),
    async stop() {
      if (stopping) return requestLog.flush();
      stopping = true;
      for (const cancel of [...pending]) cancel();
      await closeServer(server);
      await requestLog.flush();
    },
  };
}
