import { DOMParser, onErrorStopParsing } from '@xmldom/xmldom';
import type { Element } from '@xmldom/xmldom';
import { SignedXml } from 'xml-crypto';
import { StsError } from './stsError.js';

const NS_PROTOCOL = 'urn:oasis:names:tc:SAML:2.0:protocol';
const NS_ASSERTION = 'urn:oasis:names:tc:SAML:2.0:assertion';
const NS_DSIG = 'http://www.w3.org/2000/09/xmldsig#';
const STATUS_SUCCESS = 'urn:oasis:names:tc:SAML:2.0:status:Success';

/** What STS reads from a verified SAML response; everything comes from signed XML. */
export interface VerifiedSamlAssertion {
  issuer: string;
  nameId: string;
  nameIdFormat?: string;
  /** Earliest of the assertion's `NotOnOrAfter`s (Conditions, SubjectConfirmationData), epoch ms. */
  notOnOrAfter?: number;
  notBefore?: number;
  /** `SessionNotOnOrAfter` of the AuthnStatement, epoch ms. */
  sessionNotOnOrAfter?: number;
  audiences: string[];
  recipient?: string;
  /** Attribute values by attribute `Name`. */
  attributes: Map<string, string[]>;
}

const invalid = (message: string) => new StsError('InvalidIdentityToken', message);

function children(parent: Element, ns: string, localName: string): Element[] {
  const out: Element[] = [];
  for (let node = parent.firstChild; node; node = node.nextSibling) {
    if (node.nodeType === 1) {
      const el = node as Element;
      if (el.namespaceURI === ns && el.localName === localName) out.push(el);
    }
  }
  return out;
}

const child = (parent: Element | undefined, ns: string, localName: string): Element | undefined =>
  parent === undefined ? undefined : children(parent, ns, localName)[0];

function parseXml(xml: string): Element {
  // Entity and DTD tricks have no place in a SAML response.
  if (/<!DOCTYPE|<!ENTITY/i.test(xml))
    throw invalid('Invalid SAML response: DTDs are not allowed.');
  try {
    // xml-crypto's own xmldom 0.8 typings merge into the same ambient module name and hide 0.9's
    // constructor options; the runtime is 0.9, which stops at the first error with this handler.
    const options = { onError: onErrorStopParsing } as unknown as ConstructorParameters<
      typeof DOMParser
    >[0];
    const doc = new DOMParser(options).parseFromString(xml, 'text/xml');
    if (!doc.documentElement) throw new Error('empty');
    return doc.documentElement;
  } catch (error) {
    if (error instanceof StsError) throw error;
    throw invalid('Invalid SAML response: the assertion is not well-formed XML.');
  }
}

function time(value: string | null | undefined, what: string): number | undefined {
  if (value === null || value === undefined || value === '') return undefined;
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw invalid(`Invalid SAML response: ${what} is not a valid dateTime.`);
  return ms;
}

const minDefined = (...values: (number | undefined)[]) => {
  const defined = values.filter((v): v is number => v !== undefined);
  return defined.length === 0 ? undefined : Math.min(...defined);
};

/**
 * Returns the canonical XML of the element a signature signs, when the signature is valid under
 * `certPem` and covers exactly its parent element. Using what was signed (not the original tree)
 * defeats signature-wrapping attacks.
 */
function signedParentXml(xml: string, signature: Element, certPem: string): string | undefined {
  const parent = signature.parentNode as Element | null;
  const id = parent?.getAttribute('ID');
  if (!parent || !id) return undefined;
  const verifier = new SignedXml({ publicCert: certPem, getCertFromKeyInfo: () => null });
  try {
    verifier.loadSignature(signature as unknown as Node);
    if (!verifier.checkSignature(xml)) return undefined;
  } catch {
    return undefined;
  }
  const references = verifier.getReferences();
  const signed = verifier.getSignedReferences();
  if (references.length !== 1 || references[0]?.uri !== `#${id}` || signed.length !== 1)
    return undefined;
  return signed[0];
}

/**
 * Verifies a base64 SAML 2.0 Response (as posted to AWS's sign-in endpoint) against the IdP's
 * signing certificate and extracts the single assertion it carries. Either the Response or the
 * Assertion must carry a valid enveloped signature; data is read only from the signed XML.
 *
 * @throws StsError `InvalidIdentityToken` for anything undecodable, unsigned, tampered or unsuccessful.
 */
export function verifySamlResponse(
  base64: string,
  certPem: string | undefined,
): VerifiedSamlAssertion {
  const compact = base64.replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(compact) || compact.length % 4 === 1) {
    throw invalid('Invalid SAML response: SAMLAssertion must be the base64-encoded SAML Response.');
  }
  const xml = Buffer.from(compact, 'base64').toString('utf8');
  if (!xml.trimStart().startsWith('<')) {
    throw invalid('Invalid SAML response: SAMLAssertion must be the base64-encoded SAML Response.');
  }
  const response = parseXml(xml);
  if (response.namespaceURI !== NS_PROTOCOL || response.localName !== 'Response') {
    throw invalid('Invalid SAML response: the document is not a SAML 2.0 Response.');
  }
  const status = child(
    child(response, NS_PROTOCOL, 'Status'),
    NS_PROTOCOL,
    'StatusCode',
  )?.getAttribute('Value');
  if (status !== STATUS_SUCCESS) {
    throw invalid(`Invalid SAML response: status is ${status ?? 'missing'}, not Success.`);
  }
  if (children(response, NS_ASSERTION, 'EncryptedAssertion').length > 0) {
    throw invalid(
      'Invalid SAML response: encrypted assertions are not supported by the devstack STS.',
    );
  }
  const assertions = children(response, NS_ASSERTION, 'Assertion');
  if (assertions.length !== 1) {
    throw invalid('Invalid SAML response: it must contain exactly one Assertion.');
  }
  if (certPem === undefined) {
    throw invalid(
      'The devstack STS has no SAML signing certificate configured; start it with samlSigningCertPem.',
    );
  }

  let assertion: Element | undefined;
  const assertionSignature = child(assertions[0], NS_DSIG, 'Signature');
  const signedAssertion = assertionSignature && signedParentXml(xml, assertionSignature, certPem);
  if (signedAssertion !== undefined) {
    assertion = parseXml(signedAssertion);
  } else {
    const responseSignature = child(response, NS_DSIG, 'Signature');
    const signedResponse = responseSignature && signedParentXml(xml, responseSignature, certPem);
    if (signedResponse !== undefined) {
      const inner = children(parseXml(signedResponse), NS_ASSERTION, 'Assertion');
      if (inner.length === 1) assertion = inner[0];
    }
  }
  if (
    !assertion ||
    assertion.namespaceURI !== NS_ASSERTION ||
    assertion.localName !== 'Assertion'
  ) {
    throw invalid(
      'Invalid SAML response: the response signature is invalid (not signed by the trusted IdP certificate, or tampered with).',
    );
  }

  const issuer = child(assertion, NS_ASSERTION, 'Issuer')?.textContent?.trim();
  const subject = child(assertion, NS_ASSERTION, 'Subject');
  const nameIdElement = child(subject, NS_ASSERTION, 'NameID');
  const nameId = nameIdElement?.textContent?.trim();
  if (!issuer || !nameId) {
    throw invalid('Invalid SAML response: the assertion needs an Issuer and a Subject NameID.');
  }
  const confirmationData = child(
    child(subject, NS_ASSERTION, 'SubjectConfirmation'),
    NS_ASSERTION,
    'SubjectConfirmationData',
  );
  const conditions = child(assertion, NS_ASSERTION, 'Conditions');
  const audiences: string[] = [];
  for (const restriction of conditions
    ? children(conditions, NS_ASSERTION, 'AudienceRestriction')
    : []) {
    for (const audience of children(restriction, NS_ASSERTION, 'Audience')) {
      const text = audience.textContent?.trim();
      if (text) audiences.push(text);
    }
  }
  const attributes = new Map<string, string[]>();
  for (const statement of children(assertion, NS_ASSERTION, 'AttributeStatement')) {
    for (const attribute of children(statement, NS_ASSERTION, 'Attribute')) {
      const name = attribute.getAttribute('Name');
      if (!name) continue;
      const values = attributes.get(name) ?? [];
      for (const value of children(attribute, NS_ASSERTION, 'AttributeValue')) {
        values.push(value.textContent?.trim() ?? '');
      }
      attributes.set(name, values);
    }
  }
  const authn = child(assertion, NS_ASSERTION, 'AuthnStatement');

  const result: VerifiedSamlAssertion = { issuer, nameId, audiences, attributes };
  const format = nameIdElement?.getAttribute('Format');
  if (format) result.nameIdFormat = format;
  const notOnOrAfter = minDefined(
    time(conditions?.getAttribute('NotOnOrAfter'), 'Conditions NotOnOrAfter'),
    time(confirmationData?.getAttribute('NotOnOrAfter'), 'SubjectConfirmationData NotOnOrAfter'),
  );
  if (notOnOrAfter !== undefined) result.notOnOrAfter = notOnOrAfter;
  const notBefore = time(conditions?.getAttribute('NotBefore'), 'Conditions NotBefore');
  if (notBefore !== undefined) result.notBefore = notBefore;
  const sessionNotOnOrAfter = time(
    authn?.getAttribute('SessionNotOnOrAfter'),
    'SessionNotOnOrAfter',
  );
  if (sessionNotOnOrAfter !== undefined) result.sessionNotOnOrAfter = sessionNotOnOrAfter;
  const recipient = confirmationData?.getAttribute('Recipient');
  if (recipient) result.recipient = recipient;
  return result;
}
