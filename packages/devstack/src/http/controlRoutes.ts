import type { IncomingMessage, ServerResponse } from 'node:http';
import { readBody } from './readBody.js';

/** Path prefix of the stack's own endpoints; no AWS API or bucket name can start with it. */
export const CONTROL_PREFIX = '/__devstack/';

/**
 * Header every control request must carry (any value). A browser sends a custom header only after
 * a CORS preflight, and the stack refuses preflights from origins it does not know: a web page the
 * developer happens to visit cannot inject faults or read the logs.
 */
export const CONTROL_HEADER = 'x-devstack-control';

/** Largest control request body (a fault description). */
const MAX_CONTROL_BODY_BYTES = 64 * 1024;

/** What a server offers on its control routes. */
export interface ControlRoutes {
  /** `GET /__devstack/stats`. */
  stats(): unknown;
  /** `GET /__devstack/log`. */
  log(): unknown;
  /**
   * `POST /__devstack/faults` with a JSON object; throws a `TypeError` naming what is wrong.
   * Absent when the server injects no faults.
   */
  faults?: (body: object) => void;
}

/** Whether `path` is a control route. */
export function isControlPath(path: string): boolean {
  return path.startsWith(CONTROL_PREFIX);
}

/**
 * Answers a control request (JSON in, JSON out). Refused with 403 without {@link CONTROL_HEADER},
 * or when `Host` is not a loopback name (a DNS-rebinding page reaches 127.0.0.1 under its own
 * host name).
 *
 * @returns the action for the request log (`devstack:stats`, …) and the status sent.
 */
export async function answerControl(
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
  routes: ControlRoutes,
  headers: Record<string, string>,
): Promise<{ action: string; status: number }> {
  const name = path.slice(CONTROL_PREFIX.length);
  const action = `devstack:${name}`;
  const send = (status: number, body: unknown) => {
    res.writeHead(status, { ...headers, 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
    return { action, status };
  };
  if (req.headers[CONTROL_HEADER] === undefined || !isLoopbackHost(req.headers.host)) {
    req.resume();
    return send(403, {
      error: `devstack control requests need the ${CONTROL_HEADER} header and a loopback Host`,
    });
  }
  const method = req.method ?? 'GET';
  if (method === 'GET' && name === 'stats') return (req.resume(), send(200, routes.stats()));
  if (method === 'GET' && name === 'log') return (req.resume(), send(200, routes.log()));
  if (method === 'POST' && name === 'faults' && routes.faults) {
    const read = await readBody(req, MAX_CONTROL_BODY_BYTES);
    if (!read.ok) return send(413, { error: 'Invalid fault: body too large' });
    try {
      const body: unknown = JSON.parse(read.body.toString('utf8'));
      if (typeof body !== 'object' || body === null || Array.isArray(body)) {
        throw new TypeError('not an object');
      }
      routes.faults(body);
    } catch (error) {
      const message = error instanceof TypeError ? error.message : 'body must be a JSON object';
      return send(400, { error: `Invalid fault: ${message}` });
    }
    return send(200, { ok: true });
  }
  req.resume();
  return send(404, { error: `No devstack control endpoint ${method} ${path}` });
}

function isLoopbackHost(host: string | undefined): boolean {
  if (host === undefined) return false;
  const name = host.replace(/:\d+$/, '');
  return name === 'localhost' || name === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(name);
}
