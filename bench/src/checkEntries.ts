/**
 * What a budget in bytes cannot say: which packages an entry must not pull in at all. Run after
 * size-limit by `pnpm -C bench run size` (part of `pnpm test`); exits non-zero naming the entry.
 */
import { bundleSize } from './bundleSize.js';

/** entry → packages (or fedcreds modules, by prefix) none of whose bytes may be in its bundle. */
const FORBIDDEN: Record<string, string[]> = {
  // A SAML-only React app: @fedcreds/react's main entry imports no oidc-client-ts.
  // …and no web identity code either: a session asks its credential class how to read its token.
  'reactSaml.tsx': [
    'oidc-client-ts',
    'core/oidc/',
    'core/credentials/WebIdentityCredentials',
    'core/jwt/decodeJwt',
    'core/jwt/jwtTokenKind',
    'core/crossTab/',
  ],
  // A session over web identity carries no SAML or role-chaining code, and no cross-tab code
  // unless it asks for it (`crossTab: crossTab()`).
  'session.ts': [
    'core/crossTab/',
    'core/saml/',
    'core/credentials/SAMLCredentials',
    'core/credentials/ChainableTemporaryCredentials',
  ],
  // The credential classes alone carry no session engine, cross-tab code or React.
  'webIdentity.ts': ['core/session/', 'core/crossTab/', 'react'],
};

let failed = false;
for (const [entry, forbidden] of Object.entries(FORBIDDEN)) {
  const { modules } = await bundleSize(entry);
  const found = Object.keys(modules).filter(
    (name) => modules[name]! > 0 && forbidden.some((f) => name === f || name.startsWith(f)),
  );
  if (found.length > 0) {
    failed = true;
    console.error(`✖ ${entry} bundles ${found.join(', ')}, which it must not`);
  } else {
    console.log(`✔ ${entry} bundles none of ${forbidden.join(', ')}`);
  }
}
if (failed) process.exitCode = 1;
