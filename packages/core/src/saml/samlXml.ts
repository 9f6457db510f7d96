/**
 * Just enough XML reading to show a SAML response's attributes in a UI: no `DOMParser` (absent in
 * Node and workers) and no verification — STS verifies the signature, these values only drive
 * choices such as which role to ask for.
 */
import { decodeSamlAssertion } from './decodeSamlAssertion.js';

/** XML text of `base64OrXml`: decoded if it is base64, used as is if it already is XML. */
export function samlXml(base64OrXml: string): string {
  const trimmed = base64OrXml.trim();
  // Comments are dropped first: a comment inside a value is a known trick to make readers disagree.
  return (trimmed.startsWith('<') ? trimmed : decodeSamlAssertion(trimmed)).replace(
    /<!--[\s\S]*?-->/g,
    '',
  );
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** Text with XML character and entity references resolved. */
export function unescapeXml(text: string): string {
  return text.replace(/&(#x[0-9a-fA-F]+|#\d+|amp|lt|gt|quot|apos);/g, (match, entity: string) => {
    if (entity.startsWith('#x')) return safeCodePoint(parseInt(entity.slice(2), 16), match);
    if (entity.startsWith('#')) return safeCodePoint(parseInt(entity.slice(1), 10), match);
    return ENTITIES[entity] ?? match;
  });
}

function safeCodePoint(code: number, fallback: string): string {
  return Number.isInteger(code) && code >= 0 && code <= 0x10ffff
    ? String.fromCodePoint(code)
    : fallback;
}

/** Value of attribute `name` (any namespace prefix ignored) in a start tag's attribute text. */
export function xmlAttribute(tagAttributes: string, name: string): string | undefined {
  const match = new RegExp(`(?:^|\\s)(?:[\\w.-]+:)?${name}\\s*=\\s*("([^"]*)"|'([^']*)')`).exec(
    tagAttributes,
  );
  if (!match) return undefined;
  return unescapeXml(match[2] ?? match[3] ?? '');
}

/** Text content of an element's inner XML: child tags dropped, references resolved, trimmed. */
export function xmlText(inner: string): string {
  return unescapeXml(inner.replace(/<[^>]*>/g, '')).trim();
}

/** Elements with local name `localName` (any prefix): their attribute text and inner XML. */
export function* xmlElements(
  xml: string,
  localName: string,
): Generator<{ attributes: string; inner: string }> {
  const pattern = new RegExp(
    `<((?:[\\w.-]+:)?${localName})(\\s[^>]*?)?(/>|>([\\s\\S]*?)</\\1\\s*>)`,
    'g',
  );
  for (const match of xml.matchAll(pattern)) {
    yield { attributes: match[2] ?? '', inner: match[4] ?? '' };
  }
}

/** Every SAML `Attribute` of the document as name → text values. */
export function samlAttributeValues(xml: string): Map<string, string[]> {
  const attributes = new Map<string, string[]>();
  for (const attribute of xmlElements(xml, 'Attribute')) {
    const name = xmlAttribute(attribute.attributes, 'Name');
    if (name === undefined) continue;
    const values = attributes.get(name) ?? [];
    for (const value of xmlElements(attribute.inner, 'AttributeValue')) {
      values.push(xmlText(value.inner));
    }
    attributes.set(name, values);
  }
  return attributes;
}
