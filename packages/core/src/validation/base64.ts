/**
 * Base64 helpers on web standards only (`atob`, `TextDecoder`), so they run unchanged in browsers,
 * workers and Node 20 without `Buffer`.
 */

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
const BASE64URL = /^[A-Za-z0-9_-]*$/;

/** Bytes of a standard base64 string (whitespace ignored), or `undefined` if it is not base64. */
export function base64ToBytes(input: string): Uint8Array | undefined {
  // IdPs often wrap base64 at 64 or 76 columns; line breaks are not part of the data.
  const compact = input.replace(/\s+/g, '');
  if (compact.length === 0 || compact.length % 4 === 1 || !BASE64.test(compact)) return undefined;
  return binaryToBytes(compact);
}

/** Bytes of an unpadded base64url string (a JWT segment), or `undefined` if it is not base64url. */
export function base64UrlToBytes(input: string): Uint8Array | undefined {
  if (input.length % 4 === 1 || !BASE64URL.test(input)) return undefined;
  const standard = input.replace(/-/g, '+').replace(/_/g, '/');
  return binaryToBytes(standard.padEnd(standard.length + ((4 - (standard.length % 4)) % 4), '='));
}

function binaryToBytes(base64: string): Uint8Array | undefined {
  let binary: string;
  try {
    binary = atob(base64);
  } catch {
    return undefined;
  }
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** UTF-8 text of `bytes`, or `undefined` if they are not valid UTF-8. */
export function utf8(bytes: Uint8Array): string | undefined {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return undefined;
  }
}
