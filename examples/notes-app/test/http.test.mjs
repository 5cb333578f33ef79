import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { generate } from 'otplib';
import { Client, startApp } from './helpers.mjs';

const PASSWORD = 'correct horse battery staple';

for (const strategy of ['database', 'jwt']) {
  describe(`notes-app over HTTP, AUTH_STRATEGY=${strategy}`, () => {
    let app;
    before(async () => {
      app = await startApp({ strategy });
    });
    after(() => app?.stop());

    /** Registers (when asked) and signs in through the cookie flow. */
    async function signedIn(email, { register = true } = {}) {
      const client = new Client(app.url);
      if (register) assert.equal((await client.post('/auth/register', { email, password: PASSWORD })).status, 201);
      const login = await client.post('/auth/login', { email, password: PASSWORD });
      assert.equal(login.status, 200, login.text);
      return client;
    }

    test('anonymous requests to a guarded route get 401 UNAUTHENTICATED in the module error shape', async () => {
      const res = await new Client(app.url).get('/notes');
      assert.equal(res.status, 401);
      assert.equal(res.json.code, 'UNAUTHENTICATED');
      assert.equal(res.json.statusCode, 401);
      assert.equal(typeof res.json.error, 'string');
      assert.equal(typeof res.json.message, 'string');
    });

    test('a @Public() route answers without a session', async () => {
      const res = await new Client(app.url).get('/public/hello');
      assert.equal(res.status, 200);
      assert.deepEqual(res.json, { hello: 'world' });
    });

    test('the page, its script and the QR code module are served with their content types', async () => {
      const client = new Client(app.url);
      const page = await client.get('/');
      assert.equal(page.status, 200);
      assert.match(page.headers.get('content-type'), /^text\/html/);
      const script = await client.get('/app.js');
      assert.equal(script.status, 200);
      assert.match(script.headers.get('content-type'), /^text\/javascript/);
      const qrcode = await client.get('/vendor/qrcode.mjs');
      assert.equal(qrcode.status, 200);
      assert.match(qrcode.headers.get('content-type'), /^text\/javascript/);
      assert.match(qrcode.text, /^export default qrcode;$/m, 'the ES module build, importable by the page');
    });

    test('a signed-in user lists and adds notes; bad text is a 400', async () => {
      const ada = await signedIn('ada@example.com');
      assert.deepEqual((await ada.get('/notes')).json, { items: [] });

      const created = await ada.post('/notes', { text: 'buy milk' });
      assert.equal(created.status, 201, created.text);
      assert.equal(created.json.text, 'buy milk');
      const list = await ada.get('/notes');
      assert.equal(list.status, 200);
      assert.deepEqual(list.json.items.map((n) => n.text), ['buy milk']);

      for (const body of [{}, { text: '' }, { text: '   ' }, { text: 42 }, { text: 'x'.repeat(2001) }, { text: 'ok', ownerId: 'someone' }]) {
        const res = await ada.post('/notes', body);
        assert.equal(res.status, 400, `${JSON.stringify(body)} → ${res.text}`);
        // The host's own errors come from Nest's ValidationPipe: its shape, not the module's `code`.
        assert.equal(res.json.statusCode, 400);
        assert.ok(res.json.message);
      }
    });

    test("another user's note is a 404, like a missing one", async () => {
      const ada = await signedIn('ada@example.com', { register: false });
      const note = (await ada.post('/notes', { text: 'private' })).json;
      assert.equal((await ada.get(`/notes/${note.id}`)).status, 200);

      const bob = await signedIn('bob@example.com');
      const res = await bob.get(`/notes/${note.id}`);
      assert.equal(res.status, 404);
      assert.equal(res.json.statusCode, 404);
      assert.deepEqual((await bob.get('/notes')).json, { items: [] });
    });

    test('admin stats: 403 for a user, 200 for an admin made with the nest-auth CLI', async () => {
      const bob = await signedIn('bob@example.com', { register: false });
      const refused = await bob.get('/admin/stats');
      assert.equal(refused.status, 403);
      assert.equal(refused.json.statusCode, 403);

      const cli = await app.nestAuth(['user:create', '--email', 'admin@example.com', '--roles', 'admin', '--password-stdin'], PASSWORD);
      assert.equal(cli.code, 0, cli.output);

      const admin = await signedIn('admin@example.com', { register: false });
      assert.deepEqual((await admin.get('/auth/me')).json.user.roles, ['admin']);
      const stats = await admin.get('/admin/stats');
      assert.equal(stats.status, 200, stats.text);
      assert.equal(stats.json.notes, 2);
      assert.equal(stats.json.authors, 1);
    });

    test('bearer flow: POST /auth/token, then the token works on /notes; a bad token gets a 401 challenge', async () => {
      const anonymous = new Client(app.url);
      const token = await anonymous.post('/auth/token', { grant_type: 'password', email: 'ada@example.com', password: PASSWORD });
      assert.equal(token.status, 200, token.text);
      assert.equal(token.json.token_type, 'Bearer');
      assert.equal(anonymous.cookies.size, 0, 'the token endpoint sets no cookie');

      const bearer = { authorization: `Bearer ${token.json.access_token}` };
      const notes = await anonymous.get('/notes', { headers: bearer });
      assert.equal(notes.status, 200, notes.text);
      assert.deepEqual(notes.json.items.map((n) => n.text).sort(), ['buy milk', 'private']);
      const me = await anonymous.get('/auth/me', { headers: bearer });
      assert.equal(me.json.transport, 'bearer');

      for (const authorization of ['Bearer not-a-valid-token', 'Bearer ', 'Basic YWRhOnB3']) {
        const res = await anonymous.get('/notes', { headers: { authorization } });
        assert.equal(res.status, 401, authorization);
        assert.equal(res.json.code, 'UNAUTHENTICATED', authorization);
        assert.match(res.headers.get('www-authenticate') ?? '', /^Bearer\b/, authorization);
      }
    });

    test('two-factor: enrolment, then sign-in in two steps with a cookie or a bearer token', async () => {
      const email = 'grace@example.com';
      const grace = await signedIn(email);
      assert.deepEqual((await grace.get('/auth/mfa')).json, { enabled: false, recoveryCodesRemaining: 0 });
      const enrolment = await grace.post('/auth/mfa/totp', { password: PASSWORD });
      assert.equal(enrolment.status, 200, enrolment.text);
      assert.equal(new URL(enrolment.json.otpauthUrl).searchParams.get('secret'), enrolment.json.secret);
      const code = await generate({ secret: enrolment.json.secret, epoch: Math.floor(Date.now() / 1000) });
      const confirmed = await grace.post('/auth/mfa/totp/confirm', { code });
      assert.equal(confirmed.status, 200, confirmed.text);
      const { recoveryCodes } = confirmed.json;
      assert.equal(recoveryCodes.length, 10);
      assert.deepEqual((await grace.get('/auth/mfa')).json, { enabled: true, recoveryCodesRemaining: 10 });

      // The password alone now yields a pending token and no session.
      const browser = new Client(app.url);
      const first = await browser.post('/auth/login', { email, password: PASSWORD });
      assert.equal(first.status, 200, first.text);
      assert.equal(first.json.mfaRequired, true);
      assert.equal(typeof first.json.mfaToken, 'string');
      for (const name of ['sid', 'at', 'rt']) assert.ok(!browser.cookies.has(name), `no "${name}" cookie before the second step`);
      assert.equal((await browser.get('/notes')).status, 401);

      // Recovery codes, not TOTP codes: each is good once whatever the clock, so no waiting for a new step.
      const second = await browser.post('/auth/mfa/verify', { mfaToken: first.json.mfaToken, recoveryCode: recoveryCodes[0] });
      assert.equal(second.status, 200, second.text);
      assert.equal(second.json.user.email, email);
      assert.equal((await browser.get('/notes')).status, 200);
      assert.deepEqual((await browser.get('/auth/me')).json.amr, ['pwd', 'recovery']);
      const reused = await new Client(app.url).post('/auth/mfa/verify', { mfaToken: first.json.mfaToken, recoveryCode: recoveryCodes[1] });
      assert.equal(reused.status, 401);
      assert.equal(reused.json.code, 'INVALID_MFA_TOKEN', 'a pending token completes one sign-in');

      const api = new Client(app.url);
      const refused = await api.post('/auth/token', { grant_type: 'password', email, password: PASSWORD });
      assert.equal(refused.status, 403, refused.text);
      assert.equal(refused.json.code, 'MFA_REQUIRED');
      assert.equal(refused.json.access_token, undefined);
      const token = await api.post('/auth/token', { grant_type: 'mfa_otp', mfa_token: refused.json.mfa_token, recovery_code: recoveryCodes[1] });
      assert.equal(token.status, 200, token.text);
      assert.equal((await api.get('/notes', { headers: { authorization: `Bearer ${token.json.access_token}` } })).status, 200);
      assert.deepEqual((await browser.get('/auth/mfa')).json, { enabled: true, recoveryCodesRemaining: 8 });
    });

    test('sign out everywhere ends cookie and bearer sessions alike', async () => {
      const ada = await signedIn('ada@example.com', { register: false });
      const token = (await ada.post('/auth/token', { grant_type: 'password', email: 'ada@example.com', password: PASSWORD })).json.access_token;
      const bearer = { authorization: `Bearer ${token}` };
      assert.equal((await ada.get('/notes', { headers: bearer })).status, 200);

      const stolenCookies = new Map(ada.cookies);
      assert.equal((await ada.post('/auth/logout-all')).status, 204);
      assert.equal((await ada.get('/notes')).status, 401);
      assert.equal((await ada.get('/notes', { headers: bearer })).status, 401);
      // A copy of the old cookie taken before sign-out is dead on the server too.
      const replay = new Client(app.url);
      replay.cookies = stolenCookies;
      assert.equal((await replay.get('/notes')).status, 401);
    });
  });
}
