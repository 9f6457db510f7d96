/**
 * Where escaped text goes: `attribute` (safe anywhere: quotes escaped too) or `text`, element
 * content, where AWS's own documents leave quotes as they are (`Value null at 'roleArn'`).
 */
export type XmlContext = 'attribute' | 'text';

/**
 * Escapes text for XML and HTML alike with the entities XML predefines (`&apos;` too: AWS SDK XML
 * parsers and HTML5 both know it). The one escaper of the stack: STS and S3 error documents, SAML
 * assertions and the login pages.
 *
 * @param context - @default 'attribute'
 */
export function escapeXml(value: unknown, context: XmlContext = 'attribute'): string {
  const text = String(value)
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;');
  return context === 'text' ? text : text.replaceAll('"', '&quot;').replaceAll("'", '&apos;');
}

/** Undoes {@link escapeXml} (and `&#39;`), e.g. to read a form field back from a page. */
export function unescapeXml(value: string): string {
  return value
    .replaceAll('&quot;', '"')
    .replaceAll('&apos;', "'")
    .replaceAll('&#39;', "'")
    .replaceAll('&lt;', '<')
    .replaceAll('&gt;', '>')
    .replaceAll('&amp;', '&');
}
