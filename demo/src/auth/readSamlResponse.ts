/**
 * Takes the SAML response the IdP hands back in the address fragment
 * (`/saml#SAMLResponse=<urlencoded base64>`) and removes it from the address bar and history, so
 * it is neither bookmarked nor replayed by a reload. Returns `undefined` on any other address.
 */
export function readSamlResponse(): string | undefined {
  const { pathname, hash } = window.location;
  if (pathname !== '/saml') return undefined;
  window.history.replaceState(window.history.state, '', '/');
  const param = hash
    .slice(1)
    .split('&')
    .find((part) => part.startsWith('SAMLResponse='));
  // decodeURIComponent, not URLSearchParams: a `+` of base64 must not turn into a space.
  const value = param === undefined ? '' : decodeURIComponent(param.slice('SAMLResponse='.length));
  return value === '' ? undefined : value;
}
