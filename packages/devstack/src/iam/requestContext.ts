/**
 * The request context an IAM policy is evaluated against: condition keys and their values. Key
 * names are case-insensitive (AWS: `aws:SourceIp` and `AWS:SourceIP` are the same key); values are
 * kept as strings, the way they arrive in a request, and compared by each operator's own rules.
 */
export class RequestContext {
  readonly #values = new Map<string, readonly string[]>();

  /**
   * @param entries - key → value(s); `undefined` values are left out (the key is absent).
   */
  constructor(entries: Readonly<Record<string, ContextValue>> = {}) {
    for (const [key, value] of Object.entries(entries)) this.set(key, value);
  }

  /** Sets a key (replacing any value); `undefined` removes it. */
  set(key: string, value: ContextValue): this {
    const lower = key.toLowerCase();
    if (value === undefined) this.#values.delete(lower);
    else this.#values.set(lower, Array.isArray(value) ? value.map(String) : [String(value)]);
    return this;
  }

  /** The values of a key, or `undefined` when the request does not carry it. */
  get(key: string): readonly string[] | undefined {
    return this.#values.get(key.toLowerCase());
  }

  /** A copy with more keys set (the original is not changed). */
  with(entries: Readonly<Record<string, ContextValue>>): RequestContext {
    const copy = new RequestContext();
    for (const [key, values] of this.#values) copy.#values.set(key, values);
    for (const [key, value] of Object.entries(entries)) copy.set(key, value);
    return copy;
  }
}

/** A context value as callers supply it: one value, several (multivalued keys), or absent. */
export type ContextValue = string | number | boolean | readonly (string | number)[] | undefined;
