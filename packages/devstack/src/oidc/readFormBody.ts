import type { IncomingMessage } from 'node:http';

/** Login forms are tiny; a SAML response form is the biggest thing posted here. */
const MAX_FORM_BYTES = 256 * 1024;

/** Reads an `application/x-www-form-urlencoded` request body, refusing anything larger than 256 KiB. */
export async function readFormBody(req: IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > MAX_FORM_BYTES) throw new Error('form body too large');
    chunks.push(buffer);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}
