import { InvalidParameterError } from '../errors.js';
import { base64ToBytes, utf8 } from '../validation/base64.js';

/**
 * Decodes the base64 SAML response an IdP posts (the `SAMLAssertion` STS takes) into its XML text.
 * Uses `atob` and `TextDecoder` only, so it runs in browsers and Node alike. Nothing is verified:
 * STS checks the signature.
 *
 * @throws {@link InvalidParameterError} naming `SAMLAssertion` if the value is not base64 of XML.
 *
 * @example
 * ```ts
 * const xml = decodeSamlAssertion(new URLSearchParams(location.hash.slice(1)).get('SAMLResponse')!);
 * ```
 */
export function decodeSamlAssertion(base64: string): string {
  if (typeof base64 !== 'string' || base64.trim().length === 0) {
    throw new InvalidParameterError(
      'SAMLAssertion',
      'is empty; pass the base64 SAMLResponse the identity provider posted',
    );
  }
  const bytes = base64ToBytes(base64);
  if (bytes === undefined) {
    throw new InvalidParameterError(
      'SAMLAssertion',
      'is not base64; pass the SAMLResponse form value exactly as the identity provider posted it (URL-decoded)',
    );
  }
  const text = utf8(bytes);
  if (text === undefined || !looksLikeXml(text)) {
    throw new InvalidParameterError(
      'SAMLAssertion',
      'is base64 but not of an XML document; pass the SAMLResponse, not another value',
    );
  }
  return text.replace(/^\uFEFF/, '');
}

/** Whether `text` is shaped like an XML document: optional BOM and prolog, then one element. */
export function looksLikeXml(text: string): boolean {
  const trimmed = text.replace(/^\uFEFF/, '').trim();
  return (
    /^<[?!A-Za-z_]/.test(trimmed) &&
    trimmed.endsWith('>') &&
    /<[A-Za-z_][\w.:-]*[\s/>]/.test(trimmed)
  );
}
