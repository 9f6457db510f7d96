import { randomBytes } from 'node:crypto';
import { createServer, request as httpRequest } from 'node:http';
import type {
  IncomingHttpHeaders,
  IncomingMessage,
  OutgoingHttpHeaders,
  ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { assertLoopbackHost } from '../config.js';
import type { DevstackConfig } from '../config.js';
import type { CredentialStore } from '../credentialStore.js';
import { answerControl, isControlPath } from '../http/controlRoutes.js';
import { Counters } from '../http/counters.js';
import { answerPreflight, corsHeaders, isPreflight } from '../http/cors.js';
import type { CorsPolicy } from '../http/cors.js';
import { readBody } from '../http/readBody.js';
import { closeServer, listen } from '../http/serverLifecycle.js';
import { RequestLog } from '../requestLog.js';
import type { RequestLogEntry } from '../requestLog.js';
import { decodeAwsChunked } from '../sigv4/decodeAwsChunked.js';
import { verifySigV4 } from '../sigv4/verifySigV4.js';
import type { SigV4Failure } from '../sigv4/verifySigV4.js';
import { authorizeRequest, requestAction } from './authorizeRequest.js';
import type { GatewayAuthorizationRequest } from './authorizeRequest.js';
import { channelRequestOptions, createBackendChannels } from './backendChannel.js';
import type { BackendChannel, BackendChannels } from './backendChannel.js';
import { firstHeader, requestService } from './requestService.js';
import { serviceError } from './serviceError.js';
import type {
  GatewayErrorKind,
  GatewayService,
  ServiceErrorDetail,
  ServiceErrorResponse,
} from './serviceError.js';
import { startDynamoBackend } from './startDynamoBackend.js';
import type { DynamoBackend } from './startDynamoBackend.js';
import { backendCopySource, backendS3Path, parseCopySource, parseS3Path } from './s3Request.js';
import type { S3CopySource, S3Location } from './s3Request.js';
import { startS3Backend } from './startS3Backend.js';
import type { S3Backend } from './startS3Backend.js';

/** Counters of a running gateway. */
export interface GatewayStats {
  /** Every request received, preflights and control requests included. */
  requests: number;
  /** Requests per target service (`s3`, `dynamodb`), whether accepted or not. */
  byService: Record<string, number>;
  /** Requests per access key id whose signature verified. */
  byAccessKey: Record<string, number>;
  /** Error responses per wire code (`SignatureDoesNotMatch`, `NoSuchKey`, …), the gateway's and the backends'. */
  errors: Record<string, number>;
}

/** A running S3/DynamoDB gateway. */
export interface GatewayServer {
  /** `http://127.0.0.1:<port>`: the endpoint of both S3 (path-style) and DynamoDB. */
  url: string;
  /** A copy of the counters. */
  stats(): GatewayStats;
  /** The request log, oldest first: action, status, error code, key prefix; never a secret. */
  log(): RequestLogEntry[];
  /** Stops the gateway and both backends and removes the temporary S3 directory. Idempotent. */
  stop(): Promise<void>;
}

/** What the gateway needs besides the configuration. */
export interface GatewayDeps {
  /** Credentials to verify signatures against (shared with STS). */
  store: CredentialStore;
  /** Port to listen on. @default config.ports.gateway */
  port?: number;
  /** Epoch-ms clock for expiry checks. @default Date.now */
  clock?: () => number;
  /** JSON-lines request log file; nothing secret is written. */
  logFile?: string;
}

/** S3 uploads are buffered to verify and decode them; this bounds the memory one request can use. */
const MAX_S3_BODY_BYTES = 256 * 1024 * 1024;
/** DynamoDB's own request size limit. */
const MAX_DYNAMODB_BODY_BYTES = 16 * 1024 * 1024;

/** Response headers a browser may read from S3 / DynamoDB answers (SDK v3 reads these). */
const EXPOSED_HEADERS = [
  'ETag',
  'x-amz-request-id',
  'x-amzn-RequestId',
  'x-amz-id-2',
  'x-amz-version-id',
  'Date',
].join(', ');

const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'expect',
]);

/** Query parameters of a presigned URL; the gateway consumes them before s3rver sees the request. */
const PRESIGN_PARAMS = new Set([
  'x-amz-algorithm',
  'x-amz-credential',
  'x-amz-signature',
  'x-amz-signedheaders',
  'x-amz-date',
  'x-amz-expires',
  'x-amz-security-token',
]);

/**
 * Starts S3 (s3rver) and DynamoDB (dynalite) with the configured buckets and tables, and a public
 * gateway in front of them that verifies SigV4 on every request against the credentials STS issued,
 * rejects expired ones with `ExpiredToken`, applies each role's `allow` lists, and answers CORS for
 * `config.allowedOrigins`. Errors come in each service's own wire format so SDK v3 clients parse
 * them as they would AWS's.
 *
 * Control endpoints (unsigned, JSON): `GET /__devstack/stats` and `GET /__devstack/log`.
 *
 * @example
 * const gateway = await startGateway(config, { store });
 * const s3 = new S3Client({ endpoint: gateway.url, forcePathStyle: true, region, credentials });
 */
export async function startGateway(
  config: DevstackConfig,
  deps: GatewayDeps,
): Promise<GatewayServer> {
  const clock = deps.clock ?? Date.now;
  // The backends bind config.host too; refuse before starting any of them.
  assertLoopbackHost(config.host);
  const channels = await createBackendChannels();
  const [s3Result, dynamoResult] = await Promise.allSettled([
    startS3Backend(config, channels.s3),
    startDynamoBackend(config, channels.dynamodb),
  ]);
  if (s3Result.status === 'rejected' || dynamoResult.status === 'rejected') {
    if (s3Result.status === 'fulfilled') await s3Result.value.stop();
    if (dynamoResult.status === 'fulfilled') await dynamoResult.value.stop();
    await channels.remove();
    throw s3Result.status === 'rejected'
      ? s3Result.reason
      : (dynamoResult as PromiseRejectedResult).reason;
  }
  const backends: Backends = { s3: s3Result.value, dynamodb: dynamoResult.value, channels };

  const counters = new Counters(['byService', 'byAccessKey', 'errors'] as const);
  const snapshot = (): GatewayStats => counters.snapshot();
  const corsPolicy: CorsPolicy = {
    allowedOrigins: config.allowedOrigins,
    allowedMethods: 'GET, PUT, POST, DELETE, HEAD',
    exposedHeaders: EXPOSED_HEADERS,
  };
  const requestLog = new RequestLog(deps.logFile === undefined ? {} : { file: deps.logFile });

  // What s3rver is told the request was sent to (see s3Forward); known once the server listens.
  const gatewayHost = () => `${config.host}:${(server.address() as AddressInfo).port}`;

  const controlRoutes = { stats: snapshot, log: () => requestLog.entries() };

  const server = createServer((req, res) => {
    const outcome: Outcome = { action: 'unknown' };
    handle(req, res, outcome)
      .catch(() => {
        // A client that hung up needs no answer; anything else unexpected still gets one.
        if (!res.headersSent && !res.destroyed) {
          const error = serviceError(
            requestService(req.headers, new URLSearchParams()),
            'internal',
          );
          counters.count('errors', error.code);
          outcome.code = error.code;
          outcome.requestId = error.headers['x-amzn-requestid'];
          res.writeHead(error.status, error.headers).end(error.body);
        } else {
          res.destroy();
        }
      })
      .finally(() => {
        const entry: RequestLogEntry = {
          time: new Date(clock()).toISOString(),
          requestId: outcome.requestId ?? '-',
          method: req.method ?? 'GET',
          action: outcome.action,
          status: res.statusCode,
        };
        if (outcome.code !== undefined) entry.code = outcome.code;
        if (outcome.accessKeyId !== undefined) entry.accessKeyId = outcome.accessKeyId;
        requestLog.append(entry);
      });
  });

  async function handle(
    req: IncomingMessage,
    res: ServerResponse,
    outcome: Outcome,
  ): Promise<void> {
    counters.request();
    const now = clock();
    // The Date of every answer is the gateway's clock: SDK v3 corrects its clock skew from it.
    res.setHeader('date', new Date(now).toUTCString());
    const method = (req.method ?? 'GET').toUpperCase();
    const rawUrl = req.url ?? '/';
    const queryStart = rawUrl.indexOf('?');
    const path = queryStart < 0 ? rawUrl : rawUrl.slice(0, queryStart);
    const rawQuery = queryStart < 0 ? '' : rawUrl.slice(queryStart + 1);
    const query = new URLSearchParams(rawQuery);
    const cors = corsHeaders(firstHeader(req.headers.origin), corsPolicy);

    if (isPreflight(req)) {
      outcome.action = 'cors:preflight';
      answerPreflight(req, res, corsPolicy);
      return;
    }
    if (isControlPath(path)) {
      // `__devstack` can never be a bucket name (no underscores allowed), so this shadows nothing.
      const answered = await answerControl(req, res, path, controlRoutes, cors);
      outcome.action = answered.action;
      return;
    }

    const service = requestService(req.headers, query);
    counters.count('byService', service);
    const fail = (kind: GatewayErrorKind, detail?: Parameters<typeof serviceError>[2]) => {
      const error = serviceError(service, kind, detail);
      counters.count('errors', error.code);
      outcome.code = error.code;
      outcome.requestId = error.headers['x-amzn-requestid'];
      sendError(res, error, cors);
    };
    // The one parse of the path: authorization and the backend request both use this location.
    const location = service === 's3' ? parseS3Path(path) : undefined;
    if (service === 's3' && location === undefined) {
      req.resume();
      fail('invalid-uri');
      return;
    }
    const operation = (firstHeader(req.headers['x-amz-target']) ?? '').split('.')[1] ?? '';
    const authorizable = (
      body?: Uint8Array,
      copySource?: S3CopySource,
    ): GatewayAuthorizationRequest =>
      location
        ? {
            service: 's3',
            method,
            ...location,
            query,
            headers: req.headers,
            copySource,
            body,
            presigned: query.has('X-Amz-Signature'),
          }
        : { service: 'dynamodb', operation, input: parseJson(body) };
    outcome.action = requestAction(authorizable());

    const read = await readBody(
      req,
      service === 's3' ? MAX_S3_BODY_BYTES : MAX_DYNAMODB_BODY_BYTES,
    );
    if (!read.ok) {
      res.setHeader('connection', 'close');
      fail('too-large');
      return;
    }
    const body = read.body;

    const verified = await verifySigV4(
      { method, path, query, headers: req.headers, body },
      deps.store,
      now,
      { region: config.region, services: ['s3', 'dynamodb'] },
    );
    if (!verified.ok) {
      fail(verified.reason, sigV4ErrorDetail(service, verified, config.region, now));
      return;
    }
    const { credential } = verified;
    counters.count('byAccessKey', credential.accessKeyId);
    outcome.accessKeyId = credential.accessKeyId;

    const copySourceHeader = firstHeader(req.headers['x-amz-copy-source']);
    let copySource: S3CopySource | undefined;
    if (location && copySourceHeader !== undefined && method === 'PUT' && location.key !== '') {
      copySource = parseCopySource(copySourceHeader);
      if (copySource === undefined) {
        fail('invalid-copy-source');
        return;
      }
    }
    // CopyObject and UploadPartCopy also read their source: authorized as a GetObject of its own.
    const decision = authorizeRequest(config, credential, authorizable(body, copySource), {
      now: clock(),
      secureTransport: false,
      sourceIp: req.socket.remoteAddress,
    });
    if (!decision.ok) {
      fail('access-denied', { message: decision.message });
      return;
    }

    const forward = location
      ? s3Forward(
          config,
          channels.s3,
          gatewayHost(),
          method,
          location,
          copySource,
          query,
          req.headers,
          body,
        )
      : dynamoForward(channels.dynamodb, method, req.headers, body);
    if (forward === undefined) {
      fail('malformed', { message: 'The aws-chunked request body is malformed.' });
      return;
    }
    const upstream = await send(forward).catch(() => undefined);
    if (upstream === undefined) {
      fail('unavailable');
      return;
    }
    const headers = responseHeaders(upstream.headers, service, cors);
    outcome.requestId = firstHeader(
      (headers['x-amz-request-id'] ?? headers['x-amzn-requestid']) as string | string[] | undefined,
    );
    if ((upstream.statusCode ?? 500) >= 400) {
      const errorBody = await readAll(upstream);
      outcome.code = errorCode(service, errorBody) ?? String(upstream.statusCode);
      counters.count('errors', outcome.code);
      res.writeHead(upstream.statusCode ?? 500, headers).end(errorBody);
      return;
    }
    res.writeHead(upstream.statusCode ?? 200, headers);
    upstream.pipe(res);
    await new Promise<void>((resolve) => {
      res.on('close', () => {
        // A client that hangs up mid-download must not leave the backend connection open.
        upstream.destroy();
        resolve();
      });
      upstream.on('error', () => res.destroy());
    });
  }

  await listen(server, deps.port ?? config.ports.gateway, config.host).catch(
    async (err: unknown) => {
      await stopBackends(backends);
      throw err;
    },
  );
  const { port } = server.address() as AddressInfo;

  let stopping: Promise<void> | undefined;
  return {
    url: `http://${config.host}:${port}`,
    stats: snapshot,
    log: () => requestLog.entries(),
    stop() {
      stopping ??= (async () => {
        await closeServer(server);
        await stopBackends(backends);
        await requestLog.flush();
      })();
      return stopping;
    },
  };
}

interface Backends {
  s3: S3Backend;
  dynamodb: DynamoBackend;
  channels: BackendChannels;
}

async function stopBackends(backends: Backends): Promise<void> {
  const results = await Promise.allSettled([backends.s3.stop(), backends.dynamodb.stop()]);
  await backends.channels.remove();
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
}

/** What a SigV4 failure's error body says, in the service's words. */
function sigV4ErrorDetail(
  service: GatewayService,
  failure: SigV4Failure,
  region: string,
  now: number,
): ServiceErrorDetail {
  switch (failure.reason) {
    case 'malformed':
    case 'malformed-query':
      return { message: failure.message };
    case 'time-skewed':
      return service === 's3'
        ? {
            ...(failure.requestTime !== undefined ? { requestTime: failure.requestTime } : {}),
            serverTime: new Date(now).toISOString().replace(/\.\d{3}Z$/, 'Z'),
          }
        : { message: failure.message };
    case 'unsigned-headers':
      return { headersNotSigned: failure.unsignedHeaders ?? [] };
    case 'wrong-region':
      // AWS refuses a signature scoped to another region; a misconfigured app should learn here.
      return service === 's3'
        ? {
            message: `The authorization header is malformed; the region '${failure.scopedRegion ?? ''}' is wrong; expecting '${region}'`,
          }
        : {
            message: `Credential should be scoped to a valid region, not '${failure.scopedRegion ?? ''}'. The devstack region is '${region}'.`,
          };
    default:
      return {};
  }
}

/** What the request log learns while a request is handled. */
interface Outcome {
  action: string;
  requestId?: string | undefined;
  code?: string;
  accessKeyId?: string;
}

interface ForwardRequest {
  channel: BackendChannel;
  /** Origin-form path and query, sent byte for byte. */
  path: string;
  method: string;
  headers: OutgoingHttpHeaders;
  body: Uint8Array;
}

/**
 * s3rver knows only its own dummy key, and it checks request times against the real clock, so the
 * verified client auth is swapped for an internal one: s3rver then trusts the request (it never
 * checks V4 signatures) and the gateway stays the only judge of keys, expiry and presigned URLs.
 *
 * The client's `Host` is replaced by the gateway's own `host:port`: s3rver reads a Host like
 * `<bucket>.s3.amazonaws.com` as a virtual-hosted bucket, which would let a request whose path
 * names an allowed bucket reach another one.
 */
function s3Forward(
  config: DevstackConfig,
  channel: BackendChannel,
  gatewayHost: string,
  method: string,
  location: S3Location,
  copySource: S3CopySource | undefined,
  query: URLSearchParams,
  incoming: IncomingHttpHeaders,
  body: Uint8Array,
): ForwardRequest | undefined {
  const headers = forwardableHeaders(incoming);
  headers.host = gatewayHost;
  delete headers.authorization;
  delete headers['x-amz-security-token'];
  // Only a source that was authorized as a read may reach s3rver.
  if (copySource) headers['x-amz-copy-source'] = backendCopySource(copySource);
  else delete headers['x-amz-copy-source'];
  let payload = body;
  const encodings = String(headers['content-encoding'] ?? '')
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean);
  const contentSha = String(headers['x-amz-content-sha256'] ?? '');
  if (encodings.includes('aws-chunked') || contentSha.startsWith('STREAMING-')) {
    let decoded: ReturnType<typeof decodeAwsChunked>;
    try {
      decoded = decodeAwsChunked(body);
    } catch {
      return undefined;
    }
    payload = decoded.payload;
    // Trailing checksums become ordinary headers; the trailer signature only mattered to the gateway.
    const { 'x-amz-trailer-signature': _signature, ...trailers } = decoded.trailers;
    Object.assign(headers, trailers);
    const rest = encodings.filter((e) => e !== 'aws-chunked');
    if (rest.length > 0) headers['content-encoding'] = rest.join(', ');
    else delete headers['content-encoding'];
    delete headers['x-amz-decoded-content-length'];
    delete headers['x-amz-trailer'];
    headers['x-amz-content-sha256'] = 'UNSIGNED-PAYLOAD';
  }
  if (!/^(UNSIGNED-PAYLOAD|[0-9a-fA-F]{64})$/.test(String(headers['x-amz-content-sha256'] ?? ''))) {
    headers['x-amz-content-sha256'] = 'UNSIGNED-PAYLOAD';
  }
  const amzDate = new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d+/, '');
  headers['x-amz-date'] = amzDate;
  headers.authorization =
    `AWS4-HMAC-SHA256 Credential=S3RVER/${amzDate.slice(0, 8)}/${config.region}/s3/aws4_request, ` +
    'SignedHeaders=host, Signature=verified-by-devstack-gateway';
  headers['content-length'] = String(payload.byteLength);
  const kept = [...query].filter(([name]) => !PRESIGN_PARAMS.has(name.toLowerCase()));
  const search = kept.length > 0 ? `?${new URLSearchParams(kept).toString()}` : '';
  return { channel, path: `${backendS3Path(location)}${search}`, method, headers, body: payload };
}

/** dynalite checks only the shape of auth, so DynamoDB requests go through as they came. */
function dynamoForward(
  channel: BackendChannel,
  method: string,
  incoming: IncomingHttpHeaders,
  body: Uint8Array,
): ForwardRequest {
  const headers = forwardableHeaders(incoming);
  headers['content-length'] = String(body.byteLength);
  // DynamoDB has one endpoint path; nothing of the client's path matters to the backend.
  return { channel, path: '/', method, headers, body };
}

function forwardableHeaders(incoming: IncomingHttpHeaders): OutgoingHttpHeaders {
  const headers: OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(incoming)) {
    if (value !== undefined && !HOP_BY_HOP.has(name)) headers[name] = value;
  }
  return headers;
}

function send(forward: ForwardRequest): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    // Options, never a URL: a URL would be parsed again, and URL parsing resolves dot segments.
    // No agent: one connection per request, so nothing lingers after stop().
    const upstream = httpRequest({
      ...channelRequestOptions(forward.channel, forward.headers),
      path: forward.path,
      method: forward.method,
      agent: false,
    });
    upstream.on('response', resolve);
    upstream.on('error', reject);
    upstream.end(forward.body);
  });
}

function responseHeaders(
  upstream: IncomingHttpHeaders,
  service: GatewayService,
  cors: Record<string, string>,
): OutgoingHttpHeaders {
  const headers: OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(upstream)) {
    // The backends' own CORS answers (dynalite: `*`) would double or contradict the gateway's.
    if (value === undefined || HOP_BY_HOP.has(name) || name.startsWith('access-control-')) continue;
    // The backends' Date is the real clock; the gateway's (set on every answer) is the server time.
    if (name === 'vary' || name === 'date') continue;
    headers[name] = value;
  }
  if (service === 'dynamodb' && headers['x-amzn-requestid'] === undefined) {
    headers['x-amzn-requestid'] = randomBytes(16).toString('hex').toUpperCase();
  }
  return { ...headers, ...cors };
}

function sendError(
  res: ServerResponse,
  error: ServiceErrorResponse,
  cors: Record<string, string>,
): void {
  res.writeHead(error.status, {
    ...error.headers,
    ...cors,
    'content-length': String(Buffer.byteLength(error.body)),
  });
  res.end(error.body);
}

function readAll(stream: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('end', () => resolve(Buffer.concat(chunks)));
    stream.on('error', reject);
  });
}

/** The wire code of a backend error body, for stats and the log. */
function errorCode(service: GatewayService, body: Buffer): string | undefined {
  const text = body.toString('utf8');
  if (service === 's3') return /<Code>([^<]+)<\/Code>/.exec(text)?.[1];
  try {
    const type = (JSON.parse(text) as { __type?: unknown }).__type;
    return typeof type === 'string' ? type : undefined;
  } catch {
    return /<(\w+)\s*\/>/.exec(text)?.[1];
  }
}

/** A DynamoDB body as JSON; `undefined` when it is not JSON (DynamoDB answers SerializationException). */
function parseJson(body: Uint8Array | undefined): unknown {
  if (body === undefined) return undefined;
  try {
    return JSON.parse(Buffer.from(body).toString('utf8'));
  } catch {
    return undefined;
  }
}
