import { InvalidParameterError } from '../errors.js';

/**
 * A duration option in milliseconds: `fallback` when absent, else a finite number greater than
 * zero, or an `InvalidParameterError` naming `name`.
 */
export function positiveMs(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value <= 0) {
    throw new InvalidParameterError(
      name,
      'must be a finite number of milliseconds greater than zero',
    );
  }
  return value;
}

/** Like {@link positiveMs}, with zero allowed. */
export function nonNegativeMs(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value < 0) {
    throw new InvalidParameterError(name, 'must be a finite number of milliseconds, zero or more');
  }
  return value;
}
