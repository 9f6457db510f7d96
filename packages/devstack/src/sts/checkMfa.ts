import type { DevstackConfig } from '../config.js';
import type { IssuedCredential } from '../credentialStore.js';
import { StsError } from './stsError.js';
import type { StsParams } from './stsParams.js';
import { verifyTotp } from './totp.js';

/** Reads and validates `SerialNumber` / `TokenCode` (shape only). */
export function readMfaParams(params: StsParams): { serialNumber?: string; tokenCode?: string } {
  const serialNumber = params.get('SerialNumber');
  params.length('SerialNumber', serialNumber, 9, 256);
  params.pattern('SerialNumber', serialNumber, /^[\w+=/:,.@-]*$/, '[\\w+=/:,.@-]*');
  const tokenCode = params.get('TokenCode');
  // A one-time code is a credential for its 30 seconds: never echo it.
  params.length('TokenCode', tokenCode, 6, 6, false);
  params.pattern('TokenCode', tokenCode, /^\d*$/, '[\\d]*', false);
  return {
    ...(serialNumber === undefined ? {} : { serialNumber }),
    ...(tokenCode === undefined ? {} : { tokenCode }),
  };
}

/** The MFA failure AWS reports for a wrong code, unknown device or a code without a device. */
export const mfaFailed = () =>
  new StsError(
    'AccessDenied',
    'MultiFactorAuthentication failed with invalid MFA one time pass code.',
  );

/**
 * Checks an MFA code against the caller's device (the IAM user's `mfa` in `config.accessKeys`):
 * its fixed dev code or its TOTP (±1 step). Returns whether MFA was presented and valid; throws
 * `AccessDenied` when a code was presented and is wrong.
 */
export function verifyMfa(
  config: DevstackConfig,
  caller: IssuedCredential,
  mfa: { serialNumber?: string; tokenCode?: string },
  now: number,
): boolean {
  if (mfa.serialNumber === undefined && mfa.tokenCode === undefined) return false;
  if (mfa.serialNumber === undefined || mfa.tokenCode === undefined) throw mfaFailed();
  const device = config.accessKeys.find(
    (key) => key.userName === caller.userName && key.mfa?.serialNumber === mfa.serialNumber,
  )?.mfa;
  // Role sessions have no MFA device of their own, so a code presented by one cannot match.
  if (!device || caller.roleName !== undefined) throw mfaFailed();
  const ok =
    (device.devCode !== undefined && device.devCode === mfa.tokenCode) ||
    (device.totpSecret !== undefined && verifyTotp(device.totpSecret, mfa.tokenCode, now));
  if (!ok) throw mfaFailed();
  return true;
}
