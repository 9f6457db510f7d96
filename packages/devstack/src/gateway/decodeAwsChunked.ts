/** A decoded `aws-chunked` body: the payload and the trailing headers (checksums). */
export interface AwsChunkedPayload {
  payload: Uint8Array;
  trailers: Record<string, string>;
}

const CRLF = Buffer.from('\r\n');

/**
 * Decodes an `aws-chunked` request body (`<hex size>[;chunk-signature=…]\r\n<bytes>\r\n … 0\r\n
 * <trailers>\r\n`), which SDK v3 sends for streamed uploads with checksums and s3rver cannot
 * read. Returns `undefined` when the framing is broken.
 */
export function decodeAwsChunked(body: Uint8Array): AwsChunkedPayload | undefined {
  const buffer = Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  const parts: Buffer[] = [];
  let offset = 0;
  for (;;) {
    const lineEnd = buffer.indexOf(CRLF, offset);
    if (lineEnd < 0) return undefined;
    const sizeField = buffer.subarray(offset, lineEnd).toString('latin1').split(';')[0] ?? '';
    if (!/^[0-9a-fA-F]+$/.test(sizeField)) return undefined;
    const size = parseInt(sizeField, 16);
    offset = lineEnd + CRLF.length;
    if (size === 0) break;
    if (offset + size + CRLF.length > buffer.length) return undefined;
    parts.push(buffer.subarray(offset, offset + size));
    offset += size;
    if (!buffer.subarray(offset, offset + CRLF.length).equals(CRLF)) return undefined;
    offset += CRLF.length;
  }
  const trailers: Record<string, string> = {};
  for (const line of buffer.subarray(offset).toString('latin1').split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    // The trailer signature authenticates the trailers; it is not a header to pass on.
    if (name !== 'x-amz-trailer-signature') trailers[name] = line.slice(colon + 1).trim();
  }
  return { payload: Buffer.concat(parts), trailers };
}
