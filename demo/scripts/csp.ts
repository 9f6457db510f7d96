/**
 * The Content-Security-Policy the demo is served with (by `pnpm demo` and the e2e tests): no inline
 * script or style, network only to the origin and the loopback dev stack. Frames are allowed for
 * oidc-client-ts's silent renew; forms for the IdP login pages.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "connect-src 'self' http://127.0.0.1:*",
  'frame-src http://127.0.0.1:*',
  "img-src 'self' data:",
  'form-action http://127.0.0.1:*',
  "base-uri 'none'",
  "object-src 'none'",
].join('; ');
