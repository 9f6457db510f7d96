import type { IncomingMessage } from 'node:http';

/** A request body, or the news that it passed the limit (the rest is drained, not kept). */
export type BodyResult = { ok: true; body: Buffer } | { ok: false; reason: 'too-large' };

/**
 * Reads a whole request body of at most `limitBytes`. Past the limit it stops buffering, drains the
 * rest so the answer can still be sent, and resolves `too-large`. Rejects when the client hangs up
 * before the body ends (nothing is left to answer).
 */
export function readBody(req: IncomingMessage, limitBytes: number): Promise<BodyResult> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    req.on('data', (chunk: Buffer) => {
      if (over) return;
      size += chunk.length;
      if (size > limitBytes) {
        over = true;
        chunks.length = 0;
        resolve({ ok: false, reason: 'too-large' });
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (!over) resolve({ ok: true, body: Buffer.concat(chunks) });
    });
    req.on('error', reject);
    // Without this, a client that hangs up mid-upload would leave the request pending forever.
    req.on('close', () => {
      if (!req.complete) reject(new Error('client closed the connection'));
    });
  });
}
