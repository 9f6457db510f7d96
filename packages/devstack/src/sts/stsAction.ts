import type { DevstackConfig } from '../config.js';
import type { CredentialStore, IssuedCredential } from '../credentialStore.js';
import type { IncomingSignedRequest } from '../sigv4/parseSigV4.js';
import type { StsParams } from './stsParams.js';
import type { XmlFields } from './stsXml.js';
import type { WebIdentityKeys } from './webIdentityKeys.js';

/** Everything an STS action needs to answer one request. */
export interface StsActionContext {
  config: DevstackConfig;
  store: CredentialStore;
  params: StsParams;
  /** Server clock (epoch ms) at the time the request arrived. */
  now: number;
  request: IncomingSignedRequest;
  webIdentityKeys: WebIdentityKeys;
  samlSigningCertPem: string | undefined;
  /** Verifies the request's SigV4 signature; throws the STS error AWS would send otherwise. */
  authenticate(): Promise<IssuedCredential>;
}

/** One STS action: reads `ctx.params`, returns the `<{Action}Result>` content or throws `StsError`. */
export type StsAction = (ctx: StsActionContext) => Promise<XmlFields>;

/** The `<Credentials>` element of a response. */
export function credentialsXml(credential: IssuedCredential): XmlFields {
  return {
    AccessKeyId: credential.accessKeyId,
    SecretAccessKey: credential.secretAccessKey,
    SessionToken: credential.sessionToken,
    Expiration:
      credential.expiresAt === null ? undefined : new Date(credential.expiresAt).toISOString(),
  };
}

/** The `<AssumedRoleUser>` element of a response. */
export function assumedRoleUserXml(credential: IssuedCredential): XmlFields {
  return { AssumedRoleId: credential.userId, Arn: credential.arn };
}
