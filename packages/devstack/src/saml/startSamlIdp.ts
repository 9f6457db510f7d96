import { escapeXml } from '../text/escapeXml.js';
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as samlify from 'samlify';
import { roleArn, samlProviderArn } from '../config.js';
import type { DevstackConfig, DevstackUser } from '../config.js';
import {
  AUTOSUBMIT_SCRIPT,
  AUTOSUBMIT_SCRIPT_PATH,
  htmlPage,
  loginFormPage,
  messagePage,
  PAGE_HEADERS,
  PAGE_STYLESHEET,
  PAGE_STYLESHEET_PATH,
} from '../http/htmlPage.js';
import { readFormBody } from '../http/readFormBody.js';
import { closeServer, listen } from '../http/serverLifecycle.js';
import { buildSamlResponseXml } from './buildSamlResponseXml.js';
import { createSigningCertificate } from './createSigningCertificate.js';
import { validateSamlSchema } from './validateSamlSchema.js';

/** What {@link SamlIdpServer.issueAssertion} signs; anything left out comes from the config. */
export interface IssueAssertionParams {
  /** A configured user's login name; the NameID is that user's `sub`. */
  username: string;
  /** Validity of the assertion from now, in seconds; negative gives an expired one. @default config.saml.assertionTtlSeconds */
  notOnOrAfterSeconds?: number;
  /** `SessionDuration` attribute in seconds. @default config.saml.sessionDurationSeconds */
  sessionDurationSeconds?: number;
  /**
   * Roles offered in the `Role` attribute: role names (paired with the stack's SAML provider) or
   * literal `roleArn,principalArn` pairs (for tests of untrusted providers).
   * @default the user's `samlRoles`
   */
  roles?: string[];
}

/** A running SAML IdP (see {@link startSamlIdp}). */
export interface SamlIdpServer {
  /** `http://127.0.0.1:<port>`. */
  url: string;
  /** The login page (`GET`) and its form target (`POST`). */
  loginUrl: string;
  /** The stand-in for AWS's sign-in endpoint that hands the response to the app. */
  acsUrl: string;
  /** The IdP's signing certificate; the STS verifies signatures with it. */
  signingCertPem: string;
  /** The IdP's entity id (`<url>/metadata`), the `Issuer` of every response. */
  entityId: string;
  /** SAML metadata of the IdP, also served at `GET <url>/metadata`. */
  metadataXml: string;
  /** Signs a SAML response for a user without a browser; resolves to its base64 form (the `SAMLResponse`). */
  issueAssertion(params: IssueAssertionParams): Promise<string>;
  /** Closes the server and every open connection. */
  stop(): Promise<void>;
}

const ACS_PATH = '/saml/acs';
const LOGIN_TITLE = 'Sign in to the fedcreds devstack (SAML)';

let validatorInstalled = false;

/**
 * Starts the devstack's SAML 2.0 IdP on `config.host`. Sign-in is IdP-initiated, as with the AWS
 * console:
 *
 * 1. `GET /login` shows a username/password form (users from `config.users`);
 * 2. `POST /login` signs a SAML Response (assertion and response, RSA-SHA256, exclusive c14n) and
 *    answers a page whose form posts it as `SAMLResponse` to the ACS; a same-origin script
 *    (`/autosubmit.js`) presses its button, so it works under a strict CSP and without scripts;
 * 3. `POST /saml/acs`, standing in for AWS's sign-in endpoint, answers `303` to
 *    `config.saml.appReturnUrl#SAMLResponse=<url-encoded base64>`. The single-page app reads the
 *    assertion from the fragment, which browsers never send to a server, so it ends up in no
 *    request log, and passes it to AssumeRoleWithSAML.
 *
 * The response carries `Issuer` = `<url>/metadata`, `Audience` = `config.saml.spEntityId`,
 * `Destination`/`Recipient` = the ACS URL, `NotOnOrAfter` = now + `config.saml.assertionTtlSeconds`
 * and the AWS `Role` (one `roleArn,samlProviderArn` value per role of the user),
 * `RoleSessionName` (the username) and `SessionDuration` attributes. `GET /metadata` serves the
 * IdP metadata.
 *
 * @param opts.clock epoch milliseconds for `IssueInstant`/`NotOnOrAfter` (tests of expiry). @default Date.now
 */
export async function startSamlIdp(
  config: DevstackConfig,
  opts: { port?: number; clock?: () => number } = {},
): Promise<SamlIdpServer> {
  const clock = opts.clock ?? Date.now;
  if (!validatorInstalled) {
    // samlify refuses to parse SAML messages without a schema validator; install a real one.
    samlify.setSchemaValidator({ validate: validateSamlSchema });
    validatorInstalled = true;
  }

  let handler: (req: IncomingMessage, res: ServerResponse) => void = (_req, res) => {
    res.statusCode = 503;
    res.end();
  };
  const server = createServer((req, res) => handler(req, res));
  await listen(server, opts.port ?? config.ports.saml, config.host);
  const { port } = server.address() as AddressInfo;
  const url = `http://${config.host}:${port}`;
  const loginUrl = `${url}/login`;
  const acsUrl = `${url}${ACS_PATH}`;
  const entityId = `${url}/metadata`;

  const { privateKeyPem, certificatePem } = await createSigningCertificate({
    commonName: 'fedcreds devstack SAML IdP',
    now: new Date(clock()),
  });
  const idp = samlify.IdentityProvider({
    entityID: entityId,
    privateKey: privateKeyPem,
    signingCert: certificatePem,
    nameIDFormat: ['urn:oasis:names:tc:SAML:2.0:nameid-format:persistent'],
    singleSignOnService: [
      { Binding: samlify.Constants.namespace.binding.redirect, Location: loginUrl },
    ],
    // The IdP keeps no session, so "logout" only confirms; declaring it keeps metadata complete.
    singleLogoutService: [
      { Binding: samlify.Constants.namespace.binding.redirect, Location: `${url}/logout` },
    ],
    requestSignatureAlgorithm: 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256',
  });
  const sp = samlify.ServiceProvider({
    entityID: config.saml.spEntityId,
    wantAssertionsSigned: true,
    wantMessageSigned: true,
    assertionConsumerService: [
      { Binding: samlify.Constants.namespace.binding.post, Location: acsUrl },
    ],
  });

  async function issueAssertion(params: IssueAssertionParams): Promise<string> {
    const user = config.users.find((u) => u.username === params.username);
    if (!user) throw new Error(`devstack SAML IdP: unknown user "${params.username}"`);
    return signResponse(user, params);
  }

  async function signResponse(user: DevstackUser, params: IssueAssertionParams): Promise<string> {
    const now = clock();
    const ttlSeconds = params.notOnOrAfterSeconds ?? config.saml.assertionTtlSeconds;
    const rolePairs = (params.roles ?? user.samlRoles ?? []).map((role) =>
      role.includes(',') ? role : `${roleArn(config, role)},${samlProviderArn(config)}`,
    );
    const xml = buildSamlResponseXml({
      responseId: `_${randomUUID()}`,
      assertionId: `_${randomUUID()}`,
      issuer: entityId,
      destination: acsUrl,
      audience: config.saml.spEntityId,
      nameId: user.sub,
      issueInstant: new Date(now),
      notOnOrAfter: new Date(now + ttlSeconds * 1000),
      rolePairs,
      roleSessionName: user.username,
      sessionDurationSeconds: params.sessionDurationSeconds ?? config.saml.sessionDurationSeconds,
    });
    const { context } = await idp.createLoginResponse(
      sp,
      { extract: {} },
      'post',
      {},
      {
        customTagReplacement: () => ({ id: '', context: xml }),
      },
    );
    return context;
  }

  handler = (req, res) => {
    route(req, res).catch(() => {
      if (!res.headersSent)
        sendPage(res, 500, messagePage('Sign-in error', 'The SAML IdP failed. Start again.'));
      else res.destroy();
    });
  };

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? '/', url).pathname;
    if (req.method === 'GET' && path === AUTOSUBMIT_SCRIPT_PATH) {
      return sendText(res, 200, 'text/javascript; charset=utf-8', AUTOSUBMIT_SCRIPT);
    }
    if (req.method === 'GET' && path === PAGE_STYLESHEET_PATH) {
      return sendText(res, 200, 'text/css; charset=utf-8', PAGE_STYLESHEET);
    }
    if (req.method === 'GET' && path === '/metadata') {
      const origin = req.headers.origin;
      const cors: Record<string, string> =
        origin && config.allowedOrigins.includes(origin)
          ? { 'access-control-allow-origin': origin, vary: 'origin' }
          : {};
      return sendText(res, 200, 'application/samlmetadata+xml', metadataXml, cors);
    }
    if (path === '/login' && req.method === 'GET') {
      return sendPage(
        res,
        200,
        loginFormPage({ title: LOGIN_TITLE, action: '/login', hint: usersHint(config) }),
      );
    }
    if (path === '/login' && req.method === 'POST') return handleLogin(req, res);
    if (path === ACS_PATH && req.method === 'POST') return handleAcs(req, res);
    if (path === '/logout' && req.method === 'GET') {
      return sendPage(
        res,
        200,
        messagePage('Signed out', 'The devstack SAML IdP keeps no session; you are signed out.'),
      );
    }
    return sendPage(
      res,
      404,
      messagePage('Not found', 'The devstack SAML IdP serves /login and /metadata.'),
    );
  }

  async function handleLogin(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const form = await readFormBody(req);
    const username = form.get('username') ?? '';
    const user = config.users.find(
      (u) => u.username === username && u.password === form.get('password'),
    );
    if (!user) {
      const page = loginFormPage({
        title: LOGIN_TITLE,
        action: '/login',
        username,
        error: 'Wrong username or password.',
        hint: usersHint(config),
      });
      return sendPage(res, 401, page);
    }
    const samlResponse = await signResponse(user, { username: user.username });
    sendPage(
      res,
      200,
      htmlPage({
        title: 'Signing in…',
        autosubmit: true,
        bodyHtml: `<h1>Signing in…</h1>
<form method="post" action="${escapeXml(acsUrl)}">
<input type="hidden" name="SAMLResponse" value="${escapeXml(samlResponse)}">
<button id="submit" type="submit" data-autosubmit>Continue</button>
</form>`,
      }),
    );
  }

  async function handleAcs(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const samlResponse = (await readFormBody(req)).get('SAMLResponse');
    if (!samlResponse || !/^[A-Za-z0-9+/=\s]+$/.test(samlResponse)) {
      return sendPage(
        res,
        400,
        messagePage('Sign-in error', 'The ACS expects a form field SAMLResponse (base64).'),
      );
    }
    const target = new URL(config.saml.appReturnUrl);
    target.hash = `SAMLResponse=${encodeURIComponent(samlResponse.replace(/\s+/g, ''))}`;
    res.writeHead(303, {
      location: target.href,
      'cache-control': 'no-store',
      'referrer-policy': 'no-referrer',
    });
    res.end();
  }

  const metadataXml = idp.getMetadata();
  return {
    url,
    loginUrl,
    acsUrl,
    entityId,
    signingCertPem: certificatePem,
    metadataXml,
    issueAssertion,
    stop: () => closeServer(server),
  };
}

function usersHint(config: DevstackConfig): string {
  return `Development identity provider. Users: ${config.users.map((u) => u.username).join(', ')}.`;
}

function sendPage(res: ServerResponse, status: number, html: string): void {
  res.writeHead(status, PAGE_HEADERS);
  res.end(html);
}

function sendText(
  res: ServerResponse,
  status: number,
  contentType: string,
  body: string,
  extraHeaders: Record<string, string> = {},
): void {
  res.writeHead(status, {
    'content-type': contentType,
    'x-content-type-options': 'nosniff',
    'cache-control': 'no-cache',
    ...extraHeaders,
  });
  res.end(body);
}
