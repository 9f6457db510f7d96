import type { SigninPopupArgs, SigninRedirectArgs, User } from 'oidc-client-ts';
import { InvalidParameterError } from '../errors.js';
import type { SignInOptions } from '../tokenSources/TokenSource.js';

/** What a completed sign-in hands back: what `signIn()` was given to carry through the round trip. */
export interface CompletedSignIn {
  /** The `returnTo` path `signIn()` was given (checked again on the way back), if any. */
  readonly returnTo: string | undefined;
  /** The `state` `signIn()` was given, if any. */
  readonly state: unknown;
}

/** The arguments of oidc-client-ts's `signinRedirect` / `signinPopup` that fedcreds sets. */
type SigninArgs = Pick<
  SigninRedirectArgs & SigninPopupArgs,
  'state' | 'login_hint' | 'extraQueryParams' | 'popupAbortOnClose'
>;

/** Query parameters of the authorization request the protocol owns; an app may not override them. */
const RESERVED_QUERY_PARAMS = new Set([
  'client_id',
  'redirect_uri',
  'response_type',
  'response_mode',
  'scope',
  'state',
  'nonce',
  'code_challenge',
  'code_challenge_method',
  'request',
  'request_uri',
  'dpop_jkt',
]);

/** Marks the state oidc-client-ts round-trips as fedcreds's, so an app's own state is not misread. */
const STATE_TAG = 'fedcreds.signIn';

interface CarriedState {
  readonly [STATE_TAG]: 1;
  readonly returnTo?: string;
  readonly state?: unknown;
}

/**
 * Checks `options` (before anything navigates) and turns them into oidc-client-ts sign-in
 * arguments: `returnTo` and `state` travel in oidc-client-ts's locally stored request state,
 * `loginHint` becomes `login_hint`.
 *
 * @throws {@link InvalidParameterError} naming the offending option.
 */
export function toSigninArgs(options: SignInOptions | undefined): SigninArgs & { popup: boolean } {
  if (options === undefined) return { popup: false };
  if (typeof options !== 'object' || options === null) {
    throw new InvalidParameterError('options', 'must be an object such as { returnTo: "/files" }');
  }
  const { returnTo, state, loginHint, extraQueryParams, popup } = options;
  if (popup !== undefined && typeof popup !== 'boolean') {
    throw new InvalidParameterError('popup', 'must be true or false');
  }
  const carried: Record<string, unknown> = { [STATE_TAG]: 1 };
  if (returnTo !== undefined) carried['returnTo'] = checkReturnTo(returnTo, 'returnTo');
  if (state !== undefined) carried['state'] = jsonRoundTrip(state);
  const args: SigninArgs & { popup: boolean } = { popup: popup === true, state: carried };
  if (loginHint !== undefined) {
    if (typeof loginHint !== 'string' || loginHint.length === 0) {
      throw new InvalidParameterError('loginHint', 'must be a non-empty string');
    }
    args.login_hint = loginHint;
  }
  if (extraQueryParams !== undefined) {
    args.extraQueryParams = checkQueryParams(extraQueryParams, loginHint !== undefined);
  }
  // Without it a popup the user closes leaves signIn() pending for ever.
  if (args.popup) args.popupAbortOnClose = true;
  return args;
}

/** What a signed-in user's round-tripped state carried back (nothing when it is not fedcreds's). */
export function completedSignIn(user: Pick<User, 'state'>): CompletedSignIn {
  const carried = user.state as Partial<CarriedState> | null | undefined;
  if (typeof carried !== 'object' || carried === null || carried[STATE_TAG] !== 1) {
    return { returnTo: undefined, state: undefined };
  }
  let returnTo: string | undefined;
  try {
    returnTo =
      carried.returnTo === undefined ? undefined : checkReturnTo(carried.returnTo, 'returnTo');
  } catch {
    // The sign-in state lives in this origin's storage; whatever rewrote it gets no redirect.
    returnTo = undefined;
  }
  return { returnTo, state: carried.state };
}

/** A path on this origin: one leading `/`, no scheme, no host, no backslash or control character. */
function checkReturnTo(value: unknown, parameter: string): string {
  if (typeof value !== 'string' || !value.startsWith('/')) {
    throw new InvalidParameterError(parameter, 'must be a path on this origin starting with "/"');
  }
  // Browsers read '\' as '/', so '/\evil.example' would be another host; control characters are
  // stripped by URL parsers and can hide one too.
  if (value.startsWith('//') || value.includes('\\') || hasControlCharacter(value)) {
    throw new InvalidParameterError(
      parameter,
      'must be a path on this origin: no "//" prefix, backslash or control character',
    );
  }
  const base = 'http://return-to.invalid';
  const url = new URL(value, base);
  if (url.origin !== base) {
    throw new InvalidParameterError(parameter, 'must stay on this origin');
  }
  return `${url.pathname}${url.search}${url.hash}`;
}

function hasControlCharacter(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code < 0x20 || code === 0x7f) return true;
  }
  return false;
}

function jsonRoundTrip(value: unknown): unknown {
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch {
    text = undefined;
  }
  if (text === undefined) {
    throw new InvalidParameterError(
      'state',
      'must be JSON-serialisable (no functions, cycles or BigInt)',
    );
  }
  return JSON.parse(text) as unknown;
}

function checkQueryParams(
  params: unknown,
  hasLoginHint: boolean,
): Record<string, string | number | boolean> {
  if (typeof params !== 'object' || params === null || Array.isArray(params)) {
    throw new InvalidParameterError(
      'extraQueryParams',
      'must be an object of query parameters, e.g. { prompt: "login" }',
    );
  }
  const checked: Record<string, string | number | boolean> = {};
  for (const [name, value] of Object.entries(params)) {
    const parameter = `extraQueryParams.${name}`;
    if (RESERVED_QUERY_PARAMS.has(name)) {
      throw new InvalidParameterError(parameter, 'is set by the sign-in protocol itself');
    }
    if (name === 'login_hint' && hasLoginHint) {
      throw new InvalidParameterError(parameter, 'conflicts with loginHint; give one of them');
    }
    if (!['string', 'number', 'boolean'].includes(typeof value)) {
      throw new InvalidParameterError(parameter, 'must be a string, number or boolean');
    }
    checked[name] = value as string | number | boolean;
  }
  return checked;
}
