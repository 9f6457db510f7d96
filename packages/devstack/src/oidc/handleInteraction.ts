import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Provider } from 'oidc-provider';
import type { DevstackConfig } from '../config.js';
import { loginFormPage, messagePage, PAGE_HEADERS } from '../http/htmlPage.js';
import { readFormBody } from '../http/readFormBody.js';

type InteractionDetails = Awaited<ReturnType<Provider['interactionDetails']>>;

const LOGIN_TITLE = 'Sign in to the fedcreds devstack';

/**
 * Serves `/interaction/<uid>`: the login form (GET), its submission (POST), and the consent step,
 * which is granted on the user's behalf for every configured client (they are first-party apps)
 * but still recorded as a real grant through oidc-provider's interaction API.
 */
export async function handleInteraction(
  provider: Provider,
  config: DevstackConfig,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
): Promise<void> {
  const uid = url.pathname.slice('/interaction/'.length);
  let details: InteractionDetails;
  try {
    details = await provider.interactionDetails(req, res);
  } catch {
    return sendPage(
      res,
      400,
      messagePage(
        'Sign-in expired',
        'This sign-in has expired or cookies are blocked. Start again from the app.',
      ),
    );
  }
  if (details.uid !== uid) {
    return sendPage(
      res,
      400,
      messagePage(
        'Sign-in mismatch',
        'This page belongs to another sign-in. Start again from the app.',
      ),
    );
  }

  const promptName = details.prompt.name;
  if (promptName === 'consent') {
    const accountId = details.session?.accountId;
    if (!accountId)
      return sendPage(
        res,
        400,
        messagePage('Sign-in error', 'No signed-in user. Start again from the app.'),
      );
    const grantId = await saveGrant(provider, details, accountId, details.grantId);
    return provider.interactionFinished(
      req,
      res,
      { consent: { grantId } },
      { mergeWithLastSubmission: true },
    );
  }
  if (promptName !== 'login') {
    return sendPage(res, 400, messagePage('Sign-in error', `Unsupported step "${promptName}".`));
  }

  const action = `/interaction/${encodeURIComponent(uid)}`;
  if (req.method === 'GET') {
    // As real IdPs do: an app's `login_hint` pre-fills the username (the demo's hint field).
    const loginHint = details.params.login_hint;
    return sendPage(
      res,
      200,
      loginFormPage({
        title: LOGIN_TITLE,
        action,
        hint: demoHint(config),
        ...(typeof loginHint === 'string' && { username: loginHint }),
      }),
    );
  }
  if (req.method !== 'POST') {
    res.writeHead(405, { allow: 'GET, POST' });
    res.end();
    return;
  }

  const form = await readFormBody(req);
  const username = form.get('username') ?? '';
  const user = config.users.find(
    (u) => u.username === username && u.password === form.get('password'),
  );
  if (!user) {
    return sendPage(
      res,
      401,
      loginFormPage({
        title: LOGIN_TITLE,
        action,
        username,
        error: 'Wrong username or password.',
        hint: demoHint(config),
      }),
    );
  }
  // Granting consent together with the login saves the browser one redirect.
  const grantId = await saveGrant(provider, details, user.sub, undefined);
  await provider.interactionFinished(
    req,
    res,
    { login: { accountId: user.sub }, consent: { grantId } },
    { mergeWithLastSubmission: false },
  );
}

/** Records consent for everything the authorization request asked for. */
async function saveGrant(
  provider: Provider,
  details: InteractionDetails,
  accountId: string,
  existingGrantId: string | undefined,
): Promise<string> {
  const clientId = String(details.params.client_id);
  const existing = existingGrantId ? await provider.Grant.find(existingGrantId) : undefined;
  const grant = existing ?? new provider.Grant({ accountId, clientId });
  const scope = typeof details.params.scope === 'string' ? details.params.scope : 'openid';
  grant.addOIDCScope(scope);
  const missingClaims = details.prompt.details.missingOIDCClaims;
  if (Array.isArray(missingClaims)) grant.addOIDCClaims(missingClaims.map(String));
  return grant.save();
}

function demoHint(config: DevstackConfig): string {
  const names = config.users.map((u) => u.username).join(', ');
  return `Development identity provider. Users: ${names}.`;
}

function sendPage(res: ServerResponse, status: number, html: string): void {
  res.writeHead(status, PAGE_HEADERS);
  res.end(html);
}
