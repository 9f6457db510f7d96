import type { AwsCredentialIdentity } from '@smithy/types';

/** What secret fields become when credentials are logged or serialised. */
export const REDACTED = '[redacted]';

const INSPECT = Symbol.for('nodejs.util.inspect.custom');

/** Field names whose values must never be printed. */
const SECRET_FIELDS: ReadonlySet<string> = new Set([
  'secretAccessKey',
  'sessionToken',
  'SecretAccessKey',
  'SessionToken',
  'WebIdentityToken',
  'SAMLAssertion',
  'TokenCode',
]);

/** Copy of `value` with every secret field replaced by `'[redacted]'`, nested objects included. */
export function redactSecrets(value: object): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(value)) {
    if (SECRET_FIELDS.has(key) && field !== undefined) out[key] = REDACTED;
    else if (field instanceof Date) out[key] = field;
    else if (Array.isArray(field))
      out[key] = field.map((item: unknown) => (isObject(item) ? redactSecrets(item) : item));
    else out[key] = isObject(field) ? redactSecrets(field) : field;
  }
  return out;
}

function isObject(value: unknown): value is object {
  return typeof value === 'object' && value !== null;
}

/**
 * Gives `target` non-enumerable `toJSON` and `util.inspect` hooks that print it with its secret
 * fields redacted. Non-enumerable, so spreads and `Object.keys` (what SDK clients use) are
 * unchanged.
 */
export function defineRedaction<T extends object>(target: T, label?: string): T {
  Object.defineProperties(target, {
    toJSON: { value: () => redactSecrets(target), enumerable: false, configurable: true },
    [INSPECT]: {
      value: (
        _depth: number,
        options: unknown,
        inspect?: (value: unknown, options: unknown) => string,
      ) => {
        const redacted = redactSecrets(target);
        // util.inspect passes itself as the third argument since Node 16; without it, a plain
        // copy is still secret-free.
        if (typeof inspect !== 'function') return redacted;
        return label === undefined
          ? inspect(redacted, options)
          : `${label} ${inspect(redacted, options)}`;
      },
      enumerable: false,
      configurable: true,
    },
  });
  return target;
}

/**
 * Returns a frozen copy of `identity` that SDK v3 clients can use as-is, but whose
 * `JSON.stringify` and `util.inspect` show `secretAccessKey` and `sessionToken` as `'[redacted]'`.
 *
 * The fields stay plain enumerable properties, so spreading the identity or passing it to an SDK
 * client works; only the non-enumerable `toJSON` and inspect hooks are added.
 *
 * @example
 * ```ts
 * const identity = protectIdentity({ accessKeyId, secretAccessKey, sessionToken, expiration });
 * JSON.stringify(identity); // {"accessKeyId":"ASIA…","secretAccessKey":"[redacted]",…}
 * ```
 */
export function protectIdentity(identity: AwsCredentialIdentity): AwsCredentialIdentity {
  const copy: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(identity)) {
    if (value !== undefined) copy[key] = value;
  }
  return Object.freeze(
    defineRedaction(copy, 'AwsCredentialIdentity'),
  ) as unknown as AwsCredentialIdentity;
}
