import type { RequestContext } from './requestContext.js';
import { wildcardParts } from './wildcardPattern.js';
import type { PatternPart } from './wildcardPattern.js';

/** `${key}` or `${key, 'default'}` (a quote inside the default is written `''`). */
const VARIABLE = /^\s*([^\s,'}]+)\s*(?:,\s*'((?:[^']|'')*)'\s*)?$/;
/** `${*}`, `${?}` and `${$}` stand for the literal characters. */
const ESCAPES = new Set(['*', '?', '$']);

/**
 * Resolves the policy variables of one policy value (a `Resource` entry or a condition value)
 * against the request context and splits it into literal text and wildcards. Values from the
 * request are always literal. Returns `undefined` when a variable names a key the request does not
 * carry (or carries with several values) and has no default: AWS then treats the value as not
 * matching.
 *
 * @param variables - `false` for policies without `"Version": "2012-10-17"`, where `${…}` is
 *   plain text (AWS only substitutes in that version).
 */
export function resolvePolicyValue(
  text: string,
  context: RequestContext,
  variables: boolean,
): PatternPart[] | undefined {
  if (!variables || !text.includes('${')) return wildcardParts(text);
  const parts: PatternPart[] = [];
  let rest = text;
  while (rest !== '') {
    const start = rest.indexOf('${');
    const end = start < 0 ? -1 : rest.indexOf('}', start);
    if (start < 0 || end < 0) {
      parts.push(...wildcardParts(rest));
      break;
    }
    parts.push(...wildcardParts(rest.slice(0, start)));
    const inner = rest.slice(start + 2, end);
    rest = rest.slice(end + 1);
    if (ESCAPES.has(inner)) {
      parts.push({ literal: inner });
      continue;
    }
    const variable = VARIABLE.exec(inner);
    if (!variable) return undefined;
    const values = context.get(variable[1]!);
    if (values !== undefined && values.length === 1) {
      parts.push({ literal: values[0]! });
    } else if (variable[2] !== undefined) {
      parts.push({ literal: variable[2].replace(/''/g, "'") });
    } else {
      return undefined;
    }
  }
  return parts;
}
