// A real OpenID Connect provider for Samrehab's browser tests, on loopback only.
//
//   node server.js PORT
//
// Accounts are set at run time through a small admin interface (loopback, no auth: a test
// tool, never deployed):
//   PUT  /admin/accounts/<sub>   {"claims": {...}, "acr": "...", "amr": ["..."]}
//   POST /admin/accounts/<sub>/disable
// A disabled account cannot log in, and a session it already has no longer yields tokens.
// Its one client is Samrehab on any loopback port (client_id and secret from
// OIDC_CLIENT_ID / OIDC_CLIENT_SECRET, default samrehab / test-secret). Logging in is a
// form that asks for the account's identifier; RP-initiated logout is on.
import http from 'node:http';
import { generateKeyPairSync, randomBytes } from 'node:crypto';

import Provider, { interactionPolicy } from 'oidc-provider';

const port = Number(process.argv[2] || process.env.PORT);
if (!port) {
  console.error('usage: node server.js PORT');
  process.exit(2);
}
const issuer = `http://127.0.0.1:${port}`;
const accounts = new Map();

const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const signingKey = { ...privateKey.export({ format: 'jwk' }), kid: 'test', use: 'sig', alg: 'RS256' };

const escape = (text) => String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const page = (title, body) => `<!DOCTYPE html>
<html lang="sv"><head><meta charset="utf-8"><title>${escape(title)}</title></head>
<body><main><h1>${escape(title)}</h1>${body}</main></body></html>`;

function findLive(sub) {
  const account = accounts.get(sub);
  return account && !account.disabled ? account : undefined;
}

// Samrehab is a confidential client on loopback, registered as "native" only so that any
// port is accepted; it may still be re-checked silently (prompt=none), as a web client can.
const policy = interactionPolicy.base();
policy.get('consent').checks.remove('native_client_prompt');
// A session whose account was switched off must log in again, which it cannot: a silent
// re-check (prompt=none) answers login_required.
policy.get('login').checks.add(
  new interactionPolicy.Check(
    'account_disabled',
    'the account is switched off',
    'login_required',
    (ctx) => {
      const { accountId } = ctx.oidc.session;
      return accountId && !findLive(accountId)
        ? interactionPolicy.Check.REQUEST_PROMPT
        : interactionPolicy.Check.NO_NEED_TO_PROMPT;
    },
  ),
  0,
);

const configuration = {
  clients: [
    {
      client_id: process.env.OIDC_CLIENT_ID || 'samrehab',
      client_secret: process.env.OIDC_CLIENT_SECRET || 'test-secret',
      application_type: 'native', // any port on loopback (RFC 8252)
      redirect_uris: ['http://127.0.0.1/oidc/callback/', 'http://localhost/oidc/callback/'],
      post_logout_redirect_uris: ['http://127.0.0.1/login/', 'http://localhost/login/'],
      token_endpoint_auth_method: 'client_secret_post',
      grant_types: ['authorization_code'],
      response_types: ['code'],
    },
  ],
  jwks: { keys: [signingKey] },
  // Sambi's levels of assurance: LoA3 (e.g. SITHS) and LoA2.
  acrValues: ['http://id.sambi.se/loa/loa3', 'http://id.sambi.se/loa/loa2'],
  cookies: { keys: [randomBytes(32).toString('hex')] },
  claims: {
    acr: null,
    sid: null,
    auth_time: null,
    iss: null,
    // How the person logged in is always told (as SITHS-level providers do).
    openid: ['sub', 'acr', 'amr'],
    profile: ['given_name', 'family_name', 'name'],
    email: ['email'],
    groups: ['groups'],
    hsa: ['hsa_id', 'hsa_unit'],
  },
  features: {
    devInteractions: { enabled: false },
    rpInitiatedLogout: {
      enabled: true,
      async logoutSource(ctx, form) {
        ctx.body = page(
          'Logga ut från testinloggningen?',
          `${form}<button type="submit" form="op.logoutForm" value="yes" name="logout">Ja, logga ut</button>`,
        );
      },
      async postLogoutSuccessSource(ctx) {
        ctx.body = page('Utloggad', '<p>Du är utloggad.</p>');
      },
    },
  },
  async renderError(ctx, out, error) {
    console.error('error page:', out, error?.message);
    ctx.type = 'html';
    ctx.body = page('Fel vid inloggningen', `<pre>${escape(JSON.stringify(out))}</pre>`);
  },
  interactions: { policy, url: (ctx, interaction) => `/interaction/${interaction.uid}` },
  async findAccount(ctx, sub) {
    const account = findLive(sub);
    if (!account) return undefined;
    return { accountId: sub, claims: async () => ({ sub, ...account.claims }) };
  },
};

const provider = new Provider(issuer, configuration);
provider.on('server_error', (ctx, error) => console.error('server_error', error));
const handleOidc = provider.callback();

async function readBody(req) {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  return Buffer.concat(chunks).toString();
}

function send(res, status, body, type = 'text/html; charset=utf-8') {
  res.writeHead(status, { 'Content-Type': type, 'Cache-Control': 'no-store' });
  res.end(body);
}

const loginForm = (uid, error = '') => page(
  'Testinloggning',
  `${error ? `<p role="alert">${escape(error)}</p>` : ''}
  <form method="post" action="/interaction/${escape(uid)}/login">
    <label for="login">Användar-id</label>
    <input id="login" name="login" autofocus>
    <button type="submit">Logga in</button>
  </form>`,
);

async function admin(req, res, url) {
  const parts = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
  if (parts[1] !== 'accounts' || !parts[2]) return send(res, 404, 'not found', 'text/plain');
  const sub = parts[2];
  if (req.method === 'PUT' && parts.length === 3) {
    const body = JSON.parse((await readBody(req)) || '{}');
    accounts.set(sub, { claims: body.claims || {}, acr: body.acr, amr: body.amr, disabled: false });
    return send(res, 204, '');
  }
  if (req.method === 'POST' && parts[3] === 'disable' && accounts.has(sub)) {
    accounts.get(sub).disabled = true;
    return send(res, 204, '');
  }
  return send(res, 404, 'not found', 'text/plain');
}

async function interaction(req, res, url) {
  const details = await provider.interactionDetails(req, res);
  if (req.method === 'GET') {
    if (details.prompt.name === 'consent') {
      // Samrehab is this provider's own client: what it asks for is granted, unasked.
      const { missingOIDCScope, missingOIDCClaims } = details.prompt.details;
      const grant = details.grantId
        ? await provider.Grant.find(details.grantId)
        : new provider.Grant({ accountId: details.session.accountId, clientId: details.params.client_id });
      if (missingOIDCScope) grant.addOIDCScope(missingOIDCScope.join(' '));
      if (missingOIDCClaims) grant.addOIDCClaims(missingOIDCClaims);
      const grantId = await grant.save();
      return provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
    }
    return send(res, 200, loginForm(details.uid));
  }
  const form = new URLSearchParams(await readBody(req));
  const sub = (form.get('login') || '').trim();
  const account = findLive(sub);
  if (!account) {
    return send(res, 200, loginForm(details.uid, 'Okänd eller avstängd användare.'));
  }
  const login = { accountId: sub };
  if (account.acr) login.acr = account.acr;
  if (account.amr) login.amr = account.amr;
  return provider.interactionFinished(req, res, { login }, { mergeWithLastSubmission: false });
}

const server = http.createServer(async (req, res) => {
  try {
    const url = new URL(req.url, issuer);
    if (url.pathname.startsWith('/admin/')) return await admin(req, res, url);
    if (url.pathname.startsWith('/interaction/')) return await interaction(req, res, url);
    return handleOidc(req, res);
  } catch (error) {
    console.error(error);
    return send(res, 500, 'error', 'text/plain');
  }
});
server.listen(port, '127.0.0.1', () => console.log(`test OpenID provider at ${issuer}`));
for (const signal of ['SIGTERM', 'SIGINT']) process.on(signal, () => server.close(() => process.exit(0)));
