/**
 * `pnpm bench`: fedcreds side by side with SDK v3 (`fromWebToken`, memoized and in a client), SDK
 * v2 and, for bundle size, Amplify and react-oidc-context — in one run against a local dev stack.
 * Prints the tables and writes bench/results.json with the versions compared.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { startDevstack } from '@fedcreds/devstack';
import { bundleSize, PEER_PACKAGES } from './bundleSize.js';
import type { ContenderKind } from './contenders.js';
import { reactRenders } from './reactRenders.js';
import { cachedReads, concurrentReads, earlyRefreshFails, failuresOnce } from './scenarios.js';
import { installShiftedDate } from './shiftedDate.js';

installShiftedDate();
const started = performance.now();
const out: Record<string, unknown> = {};

function table(title: string, header: string[], rows: (string | number)[][]): void {
  console.log(`\n### ${title}\n`);
  console.log(`| ${header.join(' | ')} |`);
  console.log(`|${header.map((_, i) => (i === 0 ? '---' : '---:')).join('|')}|`);
  for (const row of rows) console.log(`| ${row.join(' | ')} |`);
}

const version = (name: string): string =>
  (
    JSON.parse(
      readFileSync(new URL(`../node_modules/${name}/package.json`, import.meta.url), 'utf8'),
    ) as { version: string }
  ).version;
out.versions = Object.fromEntries(
  [
    '@fedcreds/core',
    '@fedcreds/react',
    '@aws-sdk/client-sts',
    '@aws-sdk/client-s3',
    '@aws-sdk/credential-providers',
    '@smithy/property-provider',
    'aws-sdk',
    'aws-amplify',
    'react-oidc-context',
    'oidc-client-ts',
    'react',
    'happy-dom',
    'esbuild',
  ].map((name) => [name, version(name)]),
);
out.node = process.version;

// --- runtime, against a local dev stack ---------------------------------------------------------
const stack = await startDevstack({ ephemeralPorts: true, clock: () => Date.now() });
try {
  const readers: ContenderKind[] = [
    'memoize(fromWebToken)',
    'fedcreds session',
    'fedcreds toProvider()',
    'SDK v2 getPromise',
  ];
  const ns = await cachedReads(readers, { stack });
  out.cachedReadNs = ns;
  const base = ns['memoize(fromWebToken)']!;
  table(
    'Cached read (median ns/op, rotating order; ratio to memoize(fromWebToken))',
    ['provider', 'ns/op', 'ratio'],
    Object.entries(ns).map(([name, v]) => [name, v.toFixed(0), `${(v / base).toFixed(2)}×`]),
  );

  const burst = await concurrentReads(
    [
      'fedcreds session',
      'fedcreds toProvider()',
      'memoize(fromWebToken)',
      'fromWebToken (bare)',
      'fromWebToken in S3Client',
      'SDK v2 getPromise',
    ],
    { stack },
  );
  out.concurrentReads = burst;
  table(
    'STS requests for 1,000 concurrent reads',
    ['provider', 'empty', 'expired'],
    Object.entries(burst).map(([name, r]) => [name, r.empty, r.expired]),
  );

  const failing: ContenderKind[] = [
    'fedcreds session',
    'fedcreds toProvider()',
    'memoize(fromWebToken)',
    'SDK v2 getPromise',
  ];
  const failures = await failuresOnce(failing, { stack });
  out.failuresOnce = failures;
  table(
    'One STS failure on the first read: STS requests / IdP token calls / what the caller sees (ms)',
    ['failure', ...failing],
    Object.entries(failures).map(([label, byKind]) => [
      label,
      ...failing.map((k) => {
        const r = byKind[k]!;
        return `${r.sts} / ${r.idp} / ${r.seen} (${r.ms})`;
      }),
    ]),
  );

  const renders = await reactRenders(stack, 50);
  out.reactRenders = renders;
  table(
    'React commits with 50 useAwsCredentials() consumers, 50 selecting only credentials, one only status',
    [
      'change',
      '50 whole-state consumers',
      '50 credentials-only consumers (target 50)',
      'status-only consumer',
    ],
    [
      [
        'forced refresh (refreshing, then ready)',
        renders.refresh.consumers,
        renders.refresh.credentialsOnly,
        renders.refresh.statusOnly,
      ],
      [
        'credentials adopted from another tab',
        renders.adoption.consumers,
        renders.adoption.credentialsOnly,
        `${renders.adoption.statusOnly} (target 0)`,
      ],
    ],
  );
} finally {
  await stack.stop();
}

const shortLived = await startDevstack({
  ephemeralPorts: true,
  clock: () => Date.now(),
  sts: { credentialTtlSeconds: 120, externalProviders: [] },
});
try {
  const late: ContenderKind[] = ['fedcreds session', 'memoize(fromWebToken)', 'SDK v2 getPromise'];
  const at = [60, 90, 100, 110];
  const early = await earlyRefreshFails(late, { stack: shortLived }, at);
  out.earlyRefreshFails = early;
  table(
    'Credentials for 120 s, STS failing from t = 0: a read at t',
    ['provider', ...at.map((t) => `t=${t}s (${120 - t} s left)`)],
    Object.entries(early).map(([name, byT]) => [name, ...Object.values(byT)]),
  );
} finally {
  await shortLived.stop();
}

// --- bundles -------------------------------------------------------------------------------------
const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;
const entries: [string, string][] = [
  ['fedcreds web identity (WebIdentityCredentials)', 'webIdentity.ts'],
  ['SDK v3 fromWebToken', 'fromWebToken.ts'],
  ['SDK v3 client-sts by hand', 'stsByHand.ts'],
  ['fedcreds session (session + callback token source + web identity)', 'session.ts'],
  ['fedcreds session with crossTab()', 'sessionCrossTab.ts'],
  ['@fedcreds/core/oidc + oidc-client-ts', 'oidc.ts'],
  ['Amplify fetchAuthSession', 'amplify.ts'],
  ['fedcreds React provider + hook, OIDC, react-dom', 'reactOidc.tsx'],
  ['fedcreds React, SAML-only, react-dom', 'reactSaml.tsx'],
  ['react-oidc-context + fromWebToken + memoize, react-dom', 'reactOidcContext.tsx'],
];
const sizes: Record<string, unknown> = {};
const rows: (string | number)[][] = [];
for (const [label, entry] of entries) {
  const s = await bundleSize(entry);
  sizes[entry] = { bytes: s.bytes, gzip: s.gzip, brotli: s.brotli };
  rows.push([label, kb(s.bytes), kb(s.gzip), kb(s.brotli)]);
}
const app = await bundleSize('s3App.ts');
for (const [label, entry] of [
  ['added to an S3Client app: fedcreds session', 's3WithSession.ts'],
  ['added to an S3Client app: fromWebToken', 's3WithFromWebToken.ts'],
  ['added to an S3Client app: client-sts by hand', 's3WithStsByHand.ts'],
] as const) {
  const s = await bundleSize(entry);
  sizes[entry] = {
    gzip: s.gzip - app.gzip,
    brotli: s.brotli - app.brotli,
    bytes: s.bytes - app.bytes,
  };
  rows.push([
    label,
    `+${kb(s.bytes - app.bytes)}`,
    `+${kb(s.gzip - app.gzip)}`,
    `+${kb(s.brotli - app.brotli)}`,
  ]);
}
for (const [label, entry] of [
  ["fedcreds' own code: session entry", 'session.ts'],
  ["fedcreds' own code: session entry with crossTab()", 'sessionCrossTab.ts'],
  ["fedcreds' own code: core + React (OIDC)", 'reactOidc.tsx'],
  ["fedcreds' own code: everything", 'everything.ts'],
] as const) {
  const s = await bundleSize(entry, PEER_PACKAGES);
  sizes[`own:${entry}`] = { bytes: s.bytes, gzip: s.gzip, brotli: s.brotli, modules: s.modules };
  rows.push([label, kb(s.bytes), kb(s.gzip), kb(s.brotli)]);
}
out.bundles = sizes;
table(
  'Bundles (esbuild, browser ESM, minified, NODE_ENV=production)',
  ['what', 'min', 'gzip -9', 'brotli'],
  rows,
);

out.seconds = Math.round((performance.now() - started) / 1000);
writeFileSync(new URL('../results.json', import.meta.url), `${JSON.stringify(out, null, 2)}\n`);
console.log(`\nbench/results.json written; ${out.seconds} s.`);
// SDK v2's and v3's HTTP agents keep idle keep-alive sockets to the stopped stacks open for a while.
process.exit(0);
