/** The app's identity provider, role and bucket, from the `VITE_*` variables (see `.env`). */
export interface AppConfig {
  /** The OpenID Provider's issuer URL. */
  oidcAuthority: string;
  /** Its public (PKCE) client for this app. */
  oidcClientId: string;
  /** The role that trusts the provider's ID tokens (AssumeRoleWithWebIdentity). */
  roleArn: string;
  region: string;
  bucket: string;
  /** Only for a local STS and S3 such as the dev stack; `undefined` on AWS. */
  stsEndpoint: string | undefined;
  s3Endpoint: string | undefined;
}

const env = import.meta.env;

function required(name: string, value: string | undefined): string {
  if (!value) throw new Error(`${name} is not set: put it in .env.local (see .env)`);
  return value;
}

export const config: AppConfig = {
  oidcAuthority: required('VITE_OIDC_AUTHORITY', env.VITE_OIDC_AUTHORITY),
  oidcClientId: required('VITE_OIDC_CLIENT_ID', env.VITE_OIDC_CLIENT_ID),
  roleArn: required('VITE_ROLE_ARN', env.VITE_ROLE_ARN),
  region: required('VITE_AWS_REGION', env.VITE_AWS_REGION),
  bucket: required('VITE_S3_BUCKET', env.VITE_S3_BUCKET),
  // Empty means AWS's own endpoints.
  stsEndpoint: env.VITE_STS_ENDPOINT || undefined,
  s3Endpoint: env.VITE_S3_ENDPOINT || undefined,
};
