import type { IncomingMessage } from 'node:http';
import { readBody } from './readBody.js';

/** Login forms are tiny; a SAML response form is the biggest thing posted here. */
const MAX_FORM_BYTES = 256 * 1024;

/** Reads an `application/x-www-form-urlencoded` request body, refusing anything larger than 256 KiB. */
export async function readFormBody(req: IncomingMessage): Promise<URLSearchParams> {
  const read = await readBody(req, MAX_FORM_BYTES);
  if (!read.ok) throw new Error('form body too large');
  return new URLSearchParams(read.body.toString('utf8'));
}
