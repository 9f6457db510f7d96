/** One chunk of an `aws-chunked` body. */
export interface AwsChunk {
  data: Uint8Array;
  /** `chunk-signature` extension (signed streaming uploads only). */
  signature?: string;
}

/** An `aws-chunked` body taken apart. */
export interface DecodedAwsChunked {
  /** The payload with the chunk framing removed. */
  payload: Uint8Array;
  chunks: AwsChunk[];
  /** Trailing headers (e.g. `x-amz-checksum-crc32`), names lower-cased. */
  trailers: Record<string, string>;
}

const CRLF = Buffer.from('\r\n');

/**
 * Decodes an `aws-chunked` request body (S3 uploads with `x-amz-content-sha256:
 * STREAMING-…`): `<hex size>[;chunk-signature=…]\r\n<data>\r\n…0…\r\n[trailers]\r\n`.
 *
 * @throws TypeError when the framing is broken.
 */
export function decodeAwsChunked(body: Uint8Array): DecodedAwsChunked {
  const buf = Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  const chunks: AwsChunk[] = [];
  let offset = 0;
  for (;;) {
    const lineEnd = buf.indexOf(CRLF, offset);
    if (lineEnd < 0) throw new TypeError('aws-chunked body: chunk header without CRLF');
    const header = buf.subarray(offset, lineEnd).toString('latin1');
    const [sizeHex = '', ...extensions] = header.split(';');
    if (!/^[0-9a-fA-F]+$/.test(sizeHex.trim()))
      throw new TypeError('aws-chunked body: bad chunk size');
    const size = parseInt(sizeHex.trim(), 16);
    const dataStart = lineEnd + 2;
    const dataEnd = dataStart + size;
    if (dataEnd > buf.length) throw new TypeError('aws-chunked body: truncated chunk');
    const chunk: AwsChunk = { data: buf.subarray(dataStart, dataEnd) };
    for (const ext of extensions) {
      const [name, value] = ext.split('=');
      if (name?.trim() === 'chunk-signature' && value !== undefined) chunk.signature = value.trim();
    }
    chunks.push(chunk);
    if (size === 0) {
      offset = dataStart;
      break;
    }
    if (!buf.subarray(dataEnd, dataEnd + 2).equals(CRLF)) {
      throw new TypeError('aws-chunked body: chunk data not followed by CRLF');
    }
    offset = dataEnd + 2;
  }
  const trailers: Record<string, string> = {};
  for (const line of buf.subarray(offset).toString('latin1').split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon > 0)
      trailers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return {
    payload: Buffer.concat(chunks.map((c) => c.data)),
    chunks,
    trailers,
  };
}
