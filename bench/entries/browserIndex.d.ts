// The browser index of @aws-sdk/credential-providers, imported by path (see fromWebToken.ts).
declare module '@aws-sdk/credential-providers/dist-es/index.browser.js' {
  export { fromWebToken } from '@aws-sdk/credential-providers';
}
