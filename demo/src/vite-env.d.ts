/// <reference types="vite/client" />

interface ImportMetaEnv {
  readonly VITE_OIDC_AUTHORITY?: string;
  readonly VITE_OIDC_CLIENT_ID?: string;
  readonly VITE_ROLE_ARN?: string;
  readonly VITE_SAML_LOGIN_URL?: string;
  readonly VITE_REGION?: string;
  readonly VITE_STS_ENDPOINT?: string;
  readonly VITE_S3_ENDPOINT?: string;
  readonly VITE_DYNAMODB_ENDPOINT?: string;
  readonly VITE_BUCKET?: string;
  readonly VITE_NOTES_TABLE?: string;
  readonly VITE_NOTES_PARTITION_KEY?: string;
  readonly VITE_NOTES_SORT_KEY?: string;
  readonly VITE_CHAINED_ROLE_ARN?: string;
  readonly VITE_REFRESH_WINDOW_MS?: string;
  readonly VITE_REFRESH_JITTER_MS?: string;
}

interface ImportMeta {
  readonly env: ImportMetaEnv;
}
