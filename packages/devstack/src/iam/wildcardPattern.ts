/**
 * One piece of an IAM pattern after policy variables are resolved: text to match literally, or a
 * wildcard (`*` any run of characters, `?` exactly one). Values substituted from the request are
 * always literal, so a user whose `sub` is `*` does not match everyone's prefix.
 */
export type PatternPart = { literal: string } | { wildcard: '*' | '?' };

/** Whether `value` matches the parts; `ignoreCase` for action names. */
export function matchesPattern(
  parts: readonly PatternPart[],
  value: string,
  ignoreCase = false,
): boolean {
  let source = '^';
  for (const part of parts) {
    if ('wildcard' in part) source += part.wildcard === '*' ? '[\\s\\S]*' : '[\\s\\S]';
    else source += part.literal.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  }
  return new RegExp(`${source}$`, ignoreCase ? 'iu' : 'u').test(value);
}

/** Parts of a pattern written without policy variables (`*` and `?` are wildcards). */
export function wildcardParts(text: string): PatternPart[] {
  const parts: PatternPart[] = [];
  let literal = '';
  for (const char of text) {
    if (char === '*' || char === '?') {
      if (literal !== '') parts.push({ literal });
      literal = '';
      parts.push({ wildcard: char });
    } else {
      literal += char;
    }
  }
  if (literal !== '') parts.push({ literal });
  return parts;
}

/** The parts as plain text (wildcards as their characters), for ARN splitting. */
export function partsText(parts: readonly PatternPart[]): string {
  return parts.map((p) => ('wildcard' in p ? p.wildcard : p.literal)).join('');
}

/**
 * ARN matching as IAM does it: both ARNs split into their six colon-separated components
 * (`arn:partition:service:region:account:resource`, the resource keeping any further colons), each
 * component matched on its own, so a wildcard never spans a colon between components. Case-sensitive.
 */
export function matchesArnPattern(parts: readonly PatternPart[], arn: string): boolean {
  if (parts.length === 1 && 'wildcard' in parts[0]! && parts[0].wildcard === '*') return true;
  const patternComponents = splitPartsOnColons(parts, 5);
  const arnComponents = splitArn(arn);
  if (patternComponents.length !== 6 || arnComponents.length !== 6) return false;
  return patternComponents.every((component, i) => matchesPattern(component, arnComponents[i]!));
}

function splitArn(arn: string): string[] {
  const components = arn.split(':');
  if (components.length < 6) return components;
  return [...components.slice(0, 5), components.slice(5).join(':')];
}

/** Splits pattern parts on the first `limit` literal colons. */
function splitPartsOnColons(parts: readonly PatternPart[], limit: number): PatternPart[][] {
  const components: PatternPart[][] = [[]];
  for (const part of parts) {
    if ('wildcard' in part || components.length > limit) {
      components.at(-1)!.push(part);
      continue;
    }
    const pieces = part.literal.split(':');
    pieces.forEach((piece, i) => {
      if (i > 0) {
        if (components.length > limit) components.at(-1)!.push({ literal: ':' });
        else components.push([]);
      }
      if (piece !== '') components.at(-1)!.push({ literal: piece });
    });
  }
  return components;
}
