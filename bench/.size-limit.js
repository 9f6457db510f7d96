// Size budgets of every entry a user imports, checked by `pnpm test` (`pnpm -C bench run size`).
// Each is bundled as an app's production build would be (productionBuild.js) and measured min +
// gzip and min + brotli. Limits are the sizes measured at the last landing plus a margin of about
// 250 bytes, so a regression of a few hundred bytes fails; after a deliberate change, re-measure
// with `pnpm -C bench run sizes` and set the new numbers here.
import { PEER_PACKAGES, PRODUCTION_BUILD } from './productionBuild.js';

/** name, entry, [gzip limit, brotli limit] in bytes, and packages left out. */
const BUDGETS = [
  ['web identity: WebIdentityCredentials + client-sts', 'webIdentity.ts', [57_700, 49_300]],
  ['session: createFederatedSession + web identity + client-sts', 'session.ts', [66_100, 56_700]],
  [
    'session with cross-tab groups: the session entry + crossTab()',
    'sessionCrossTab.ts',
    [72_900, 62_700],
  ],
  ['@fedcreds/core/oidc: createOidcSession + oidc-client-ts', 'oidc.ts', [87_200, 74_700]],
  [
    'React provider + hook, OIDC (@fedcreds/react/oidc) + react-dom',
    'reactOidc.tsx',
    [165_000, 140_900],
  ],
  [
    'React SAML-only (@fedcreds/react) + react-dom, no oidc-client-ts',
    'reactSaml.tsx',
    [137_200, 117_400],
  ],
  ['S3Client app + fedcreds session', 's3WithSession.ts', [105_700, 88_300]],
  ["fedcreds' own code, session entry", 'session.ts', [15_000, 13_600], PEER_PACKAGES],
  [
    "fedcreds' own code, session entry + crossTab()",
    'sessionCrossTab.ts',
    [21_800, 19_700],
    PEER_PACKAGES,
  ],
  ["fedcreds' own code, core + React (OIDC)", 'reactOidc.tsx', [27_600, 24_800], PEER_PACKAGES],
];

const build = (config) => ({ ...config, ...PRODUCTION_BUILD });

export default BUDGETS.flatMap(([name, entry, [gzip, brotli], ignore]) =>
  [
    { name: `${name} (gzip)`, gzip: true, limit: `${gzip} B` },
    { name: `${name} (brotli)`, brotli: true, limit: `${brotli} B` },
  ].map((check) => ({
    ...check,
    path: `entries/${entry}`,
    ...(ignore && { ignore }),
    modifyEsbuildConfig: build,
  })),
);
