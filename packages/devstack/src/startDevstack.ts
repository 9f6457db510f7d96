import {
  resolveDevstackConfig,
  roleArn as configRoleArn,
  samlProviderArn as configSamlProviderArn,
} from './config.js';
import type { DevstackConfig, DevstackOptions } from './config.js';
import { CredentialStore } from './credentialStore.js';
import { startGateway } from './gateway/startGateway.js';
import type { GatewayServer, GatewayStats } from './gateway/startGateway.js';
import { startOidcProvider } from './oidc/startOidcProvider.js';
import type { OidcServer, OidcStats } from './oidc/startOidcProvider.js';
import { startSamlIdp } from './saml/startSamlIdp.js';
import type { SamlIdpServer } from './saml/startSamlIdp.js';
import { startSts } from './sts/startSts.js';
import type { StsServer, StsStats } from './sts/startSts.js';
import type { StsFaults } from './sts/stsFaults.js';

/** Options of {@link startDevstack}: any part of the configuration, plus how to run it. */
export type StartDevstackOptions = DevstackOptions & {
  /** Bind every server to a free port (`0`) instead of the configured ones; for tests. @default false */
  ephemeralPorts?: boolean;
  /** Epoch-ms clock shared by STS, the SAML IdP, the credential store and the gateway. @default Date.now */
  clock?: () => number;
  /** JSON-lines file STS and the gateway append their request logs to (never secrets). */
  logFile?: string;
};

/** Where each part of a running stack listens. */
export interface DevstackUrls {
  /** OpenID Provider issuer (its discovery document is under `/.well-known/openid-configuration`). */
  oidc: string;
  /** SAML IdP base URL. */
  saml: string;
  /** SAML IdP login page, where a browser sign-in starts. */
  samlLogin: string;
  /** STS endpoint (`STSClient({ endpoint })`). */
  sts: string;
  /** The S3/DynamoDB gateway. */
  gateway: string;
  /** S3 endpoint (the gateway; use `forcePathStyle: true`). */
  s3: string;
  /** DynamoDB endpoint (the gateway). */
  dynamodb: string;
}

/** Counters of every part of a running stack. */
export interface DevstackStats {
  oidc: OidcStats;
  sts: StsStats;
  gateway: GatewayStats;
}

/** A running local federation stack (see {@link startDevstack}). */
export interface Devstack {
  /** The resolved configuration; `ports` are the ports actually bound. */
  config: DevstackConfig;
  urls: DevstackUrls;
  /** ARN of a configured role (`arn:aws:iam::<account>:role/<name>`). */
  roleArn(name: string): string;
  /** ARN of the stack's SAML provider, the `PrincipalArn` of AssumeRoleWithSAML. */
  samlProviderArn: string;
  /** The OpenID Provider (mint ID tokens, its faults and stats). */
  oidc: OidcServer;
  /** The SAML IdP (issue signed responses without a browser). */
  saml: SamlIdpServer;
  /** The local STS (its stats, faults and request log). */
  sts: StsServer;
  /** The S3/DynamoDB gateway (its stats and request log). */
  gateway: GatewayServer;
  /** Every credential STS issued plus the long-term keys; shared by STS and the gateway. */
  store: CredentialStore;
  /** Counters of every part. */
  stats(): DevstackStats;
  /** Fault injection: STS errors/delays/hangs and OpenID Provider silent-renew refusals. */
  faults: { sts: StsFaults; oidc: OidcServer['faults'] };
  /** Stops every server and removes temporary data. Idempotent. */
  stop(): Promise<void>;
}

/**
 * Starts the whole local federation stack on 127.0.0.1: an OpenID Provider, a SAML IdP, STS
 * (trusting both) and the S3/DynamoDB gateway, all sharing one credential store. If any part fails
 * to start, the parts already running are stopped and the error is rethrown.
 *
 * @example
 * const devstack = await startDevstack({ ephemeralPorts: true });
 * const token = await devstack.oidc.mintIdToken({ sub: 'alice' });
 * const sts = new STSClient({ endpoint: devstack.urls.sts, region: devstack.config.region });
 * // … AssumeRoleWithWebIdentity with devstack.roleArn('fedcreds-demo-web'), then S3 at devstack.urls.s3
 * await devstack.stop();
 */
export async function startDevstack(options: StartDevstackOptions = {}): Promise<Devstack> {
  const { ephemeralPorts = false, clock = Date.now, logFile, ...devstackOptions } = options;
  const config = resolveDevstackConfig(devstackOptions);
  if (ephemeralPorts) config.ports = { oidc: 0, saml: 0, sts: 0, gateway: 0 };

  const started: { stop(): Promise<void> }[] = [];
  const stopAll = async () => {
    const errors: unknown[] = [];
    // Reverse order: the gateway and STS depend on the identity providers, not the other way round.
    for (const part of started.reverse()) {
      await part.stop().catch((err: unknown) => errors.push(err));
    }
    started.length = 0;
    if (errors.length > 0) throw errors[0];
  };
  const track = <T extends { stop(): Promise<void> }>(part: T): T => {
    started.push(part);
    return part;
  };
  const logOption = logFile === undefined ? {} : { logFile };

  let oidc: OidcServer;
  let saml: SamlIdpServer;
  let sts: StsServer;
  let gateway: GatewayServer;
  const store = new CredentialStore(config, clock);
  try {
    oidc = track(await startOidcProvider(config, { port: config.ports.oidc }));
    saml = track(await startSamlIdp(config, { port: config.ports.saml, clock }));
    sts = track(
      await startSts(config, {
        store,
        oidcIssuer: oidc.issuer,
        samlSigningCertPem: saml.signingCertPem,
        port: config.ports.sts,
        clock,
        ...logOption,
      }),
    );
    gateway = track(
      await startGateway(config, { store, port: config.ports.gateway, clock, ...logOption }),
    );
  } catch (err) {
    await stopAll().catch(() => undefined);
    throw err;
  }

  const boundConfig: DevstackConfig = {
    ...config,
    ports: {
      oidc: portOf(oidc.issuer),
      saml: portOf(saml.url),
      sts: portOf(sts.url),
      gateway: portOf(gateway.url),
    },
  };
  let stopping: Promise<void> | undefined;
  return {
    config: boundConfig,
    urls: {
      oidc: oidc.issuer,
      saml: saml.url,
      samlLogin: saml.loginUrl,
      sts: sts.url,
      gateway: gateway.url,
      s3: gateway.url,
      dynamodb: gateway.url,
    },
    roleArn: (name) => configRoleArn(config, name),
    samlProviderArn: configSamlProviderArn(config),
    oidc,
    saml,
    sts,
    gateway,
    store,
    stats: () => ({ oidc: oidc.stats(), sts: sts.stats(), gateway: gateway.stats() }),
    faults: { sts: sts.faults, oidc: oidc.faults },
    stop() {
      stopping ??= stopAll();
      return stopping;
    },
  };
}

function portOf(url: string): number {
  return Number(new URL(url).port);
}
