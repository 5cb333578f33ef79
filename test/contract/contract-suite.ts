import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createHash } from 'node:crypto';
import { Session } from '../../src/sessions/index.js';
import {
  PASSWORD,
  as,
  cookiesFrom,
  createAdmin,
  loginBearer,
  loginCookie,
  register,
  sleep,
  uniqueEmail,
  updateCookies,
  type Credential,
} from '../support/client.js';
import type { Dialect } from '../support/databases.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

export interface ContractTarget {
  strategy: 'database' | 'jwt';
  dialect: Dialect;
}

const me = (t: TestApp, cred: Credential) => as(t.http.get('/auth/me'), cred);

/**
 * The HTTP contract, written once and run for every strategy × database combination.
 * Only routes that exist in one strategy alone are guarded by `target.strategy`.
 */
export function runContractSuite(target: ContractTarget): void {
  const env = { AUTH_STRATEGY: target.strategy };

  describe(`contract: ${target.strategy} strategy on ${target.dialect}`, () => {
    let t: TestApp;
    let admin: Credential;

    beforeAll(async () => {
      t = await startTestApp(target.dialect, env);
      const a = await createAdmin(t);
      admin = await loginCookie(t, a.email);
    });
    afterAll(async () => {
      await t?.close();
    });

    describe('registration', () => {
      it('creates a user and never returns the password hash', async () => {
        const email = uniqueEmail();
        const res = await t.http.post('/auth/register').send({ email: `  ${email.toUpperCase()} `, password: PASSWORD, name: 'Ada' });
        expect(res.status).toBe(201);
        expect(res.body.user).toMatchObject({ email, name: 'Ada', roles: [], status: 'active' });
        expect(JSON.stringify(res.body)).not.toMatch(/argon2|passwordHash|password_hash/);
      });

      it('refuses a taken email (normalized) with 409', async () => {
        const { email } = await register(t);
        const res = await t.http.post('/auth/register').send({ email: email.toUpperCase(), password: PASSWORD });
        expect(res.status).toBe(409);
        expect(res.body).toMatchObject({ statusCode: 409, code: 'EMAIL_TAKEN' });
      });
    });

    describe('sign-in', () => {
      it('by cookie: HttpOnly SameSite=Lax cookie, no secret in the body, /auth/me works', async () => {
        const { email, id } = await register(t);
        const res = await t.http.post('/auth/login').send({ email, password: PASSWORD });
        expect(res.status).toBe(200);
        expect(res.body.user).toMatchObject({ id, email });
        const setCookie = (res.headers['set-cookie'] as unknown as string[]).join('\n');
        expect(setCookie).toMatch(/HttpOnly/);
        expect(setCookie).toMatch(/SameSite=Lax/);
        for (const pair of cookiesFrom(res)) expect(JSON.stringify(res.body)).not.toContain(pair.split('=')[1]);
        expect(res.headers['cache-control']).toBe('no-store');
        const cred: Credential = { kind: 'cookie', cookies: cookiesFrom(res) };
        const who = await me(t, cred);
        expect(who.status).toBe(200);
        expect(who.body).toMatchObject({ user: { id, email, roles: [] }, transport: 'cookie' });
        expect(typeof who.body.sessionId).toBe('string');
      });

      it('by bearer token from /auth/token', async () => {
        const { email, id } = await register(t);
        const res = await t.http.post('/auth/token').send({ grant_type: 'password', email, password: PASSWORD });
        expect(res.status).toBe(200);
        expect(res.body).toMatchObject({ token_type: 'Bearer' });
        expect(res.body.expires_in).toBeGreaterThan(0);
        expect(res.headers['set-cookie']).toBeUndefined();
        const who = await me(t, { kind: 'bearer', token: res.body.access_token });
        expect(who.status).toBe(200);
        expect(who.body).toMatchObject({ user: { id }, transport: 'bearer' });
      });

      it('gives the same 401 for a wrong password and an unknown user', async () => {
        const { email } = await register(t);
        const wrong = await t.http.post('/auth/login').send({ email, password: 'not the password' });
        const unknown = await t.http.post('/auth/login').send({ email: uniqueEmail('nobody'), password: 'not the password' });
        expect(wrong.status).toBe(401);
        expect(unknown.status).toBe(401);
        expect(unknown.body).toEqual(wrong.body);
        expect(unknown.headers['www-authenticate']).toEqual(wrong.headers['www-authenticate']);
        const tokenWrong = await t.http.post('/auth/token').send({ grant_type: 'password', email, password: 'nope nope' });
        const tokenUnknown = await t.http.post('/auth/token').send({ grant_type: 'password', email: uniqueEmail('x'), password: 'nope nope' });
        // The token endpoint speaks RFC 6749: 400 invalid_grant, identical for both.
        expect(tokenWrong.status).toBe(400);
        expect(tokenWrong.body.code).toBe('INVALID_GRANT');
        expect(tokenUnknown.status).toBe(400);
        expect(tokenUnknown.body).toEqual(tokenWrong.body);
      });

      it('never adopts a session cookie presented before sign-in (fixation)', async () => {
        const { email } = await register(t);
        const planted = `${target.strategy === 'jwt' ? 'at' : 'sid'}=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA`;
        const res = await t.http.post('/auth/login').set('Cookie', planted).send({ email, password: PASSWORD });
        expect(res.status).toBe(200);
        const issued = cookiesFrom(res);
        expect(issued).not.toContain(planted);
        expect((await t.http.get('/auth/me').set('Cookie', planted)).status).toBe(401);
        expect((await me(t, { kind: 'cookie', cookies: issued })).status).toBe(200);
      });

      it('signs in twice into two distinct sessions', async () => {
        const { email } = await register(t);
        const a = await me(t, await loginCookie(t, email));
        const b = await me(t, await loginCookie(t, email));
        expect(a.body.sessionId).not.toEqual(b.body.sessionId);
      });
    });

    describe('unauthenticated and forbidden', () => {
      it('401 without credentials, with WWW-Authenticate', async () => {
        const res = await t.http.get('/auth/me');
        expect(res.status).toBe(401);
        expect(res.body).toMatchObject({ statusCode: 401, error: 'Unauthorized', code: 'UNAUTHENTICATED' });
        expect(res.headers['www-authenticate']).toMatch(/^Bearer/);
      });

      it('401 with invalid_token for a bad bearer token, never 500', async () => {
        for (const token of ['x', 'A'.repeat(43), 'not a token at all', 'a.b.c', '%00', 'A'.repeat(4000)]) {
          const res = await t.http.get('/auth/me').set('Authorization', `Bearer ${token}`);
          expect(res.status).toBe(401);
          expect(res.headers['www-authenticate']).toMatch(/error="invalid_token"/);
        }
        const basic = await t.http.get('/auth/me').set('Authorization', 'Basic Zm9vOmJhcg==');
        expect(basic.status).toBe(401);
      });

      it('403 for a signed-in user without the admin role', async () => {
        const { email } = await register(t);
        const res = await as(t.http.get('/users'), await loginCookie(t, email));
        expect(res.status).toBe(403);
        expect(res.body).toMatchObject({ statusCode: 403, code: 'FORBIDDEN' });
      });
    });

    describe('logout', () => {
      it('logout revokes this session and clears the cookie', async () => {
        const { email } = await register(t);
        const cred = await loginCookie(t, email);
        const other = await loginCookie(t, email);
        const res = await as(t.http.post('/auth/logout'), cred);
        expect(res.status).toBe(204);
        expect((res.headers['set-cookie'] as unknown as string[]).join(';')).toMatch(/Expires=Thu, 01 Jan 1970/);
        expect((await me(t, cred)).status).toBe(401);
        expect((await me(t, other)).status).toBe(200);
      });

      it('logout-all revokes all three sessions, cookie and bearer', async () => {
        const { email } = await register(t);
        const creds = [await loginCookie(t, email), await loginCookie(t, email), await loginBearer(t, email)];
        for (const cred of creds) expect((await me(t, cred)).status).toBe(200);
        expect((await as(t.http.post('/auth/logout-all'), creds[2])).status).toBe(204);
        for (const cred of creds) expect((await me(t, cred)).status).toBe(401);
      });
    });

    describe('devices', () => {
      it('lists live sessions with `current`, and revokes one of your own', async () => {
        const { email } = await register(t);
        const phone = await loginBearer(t, email);
        const laptop = await loginCookie(t, email);
        const list = await as(t.http.get('/auth/sessions'), laptop);
        expect(list.status).toBe(200);
        expect(list.body.items).toHaveLength(2);
        const current = list.body.items.filter((s: { current: boolean }) => s.current);
        expect(current).toHaveLength(1);
        expect(current[0].id).toBe((await me(t, laptop)).body.sessionId);
        expect(list.body.items[0]).toEqual(
          expect.objectContaining({ id: expect.any(String), createdAt: expect.any(String), lastSeenAt: expect.any(String), ip: expect.any(String) }),
        );
        const phoneId = (await me(t, phone)).body.sessionId;
        expect((await as(t.http.delete(`/auth/sessions/${phoneId}`), laptop)).status).toBe(204);
        expect((await me(t, phone)).status).toBe(401);
        expect((await me(t, laptop)).status).toBe(200);
        expect((await as(t.http.get('/auth/sessions'), laptop)).body.items).toHaveLength(1);
      });

      it("another user's session id is a 404, and so is an unknown one", async () => {
        const alice = await register(t);
        const bob = await register(t);
        const aliceCred = await loginCookie(t, alice.email);
        const bobCred = await loginCookie(t, bob.email);
        const bobSession = (await me(t, bobCred)).body.sessionId;
        const res = await as(t.http.delete(`/auth/sessions/${bobSession}`), aliceCred);
        expect(res.status).toBe(404);
        expect((await as(t.http.delete('/auth/sessions/00000000-0000-4000-8000-000000000000'), aliceCred)).status).toBe(404);
        expect((await as(t.http.delete('/auth/sessions/not-a-uuid'), aliceCred)).status).toBe(400);
        expect((await me(t, bobCred)).status).toBe(200);
      });
    });

    describe('password change', () => {
      it('needs the current password, ends every other session, keeps this one', async () => {
        const { email } = await register(t);
        const here = await loginCookie(t, email);
        const others = [await loginCookie(t, email), await loginBearer(t, email)];
        const wrong = await as(t.http.post('/auth/password'), here).send({ currentPassword: 'wrong password', newPassword: 'a brand new password' });
        expect(wrong.status).toBe(403);
        const ok = await as(t.http.post('/auth/password'), here).send({ currentPassword: PASSWORD, newPassword: 'a brand new password' });
        expect(ok.status).toBe(204);
        expect((await me(t, here)).status).toBe(200);
        for (const cred of others) expect((await me(t, cred)).status).toBe(401);
        expect((await t.http.post('/auth/login').send({ email, password: PASSWORD })).status).toBe(401);
        expect((await t.http.post('/auth/login').send({ email, password: 'a brand new password' })).status).toBe(200);
      });
    });

    describe('admin', () => {
      it('lists and reads users; unknown id is 404', async () => {
        const { id } = await register(t);
        const list = await as(t.http.get('/users?limit=200'), admin);
        expect(list.status).toBe(200);
        expect(list.body.items.map((u: { id: string }) => u.id)).toContain(id);
        expect(list.body.total).toBeGreaterThanOrEqual(2);
        expect((await as(t.http.get(`/users/${id}`), admin)).body).toMatchObject({ id });
        expect((await as(t.http.get('/users/00000000-0000-4000-8000-000000000000'), admin)).status).toBe(404);
        expect((await as(t.http.get('/users?limit=0'), admin)).status).toBe(400);
      });

      it('a role change takes effect on the next request (promote, then demote)', async () => {
        const { id, email } = await register(t);
        const cookie = await loginCookie(t, email);
        const bearer = await loginBearer(t, email);
        expect((await as(t.http.get('/users'), cookie)).status).toBe(403);
        const promoted = await as(t.http.patch(`/users/${id}/roles`), admin).send({ roles: ['admin'] });
        expect(promoted.status).toBe(200);
        expect(promoted.body.roles).toEqual(['admin']);
        expect((await as(t.http.get('/users'), cookie)).status).toBe(200);
        expect((await me(t, cookie)).body.user.roles).toEqual(['admin']);
        if (target.strategy === 'database') expect((await as(t.http.get('/users'), bearer)).status).toBe(200);
        expect((await as(t.http.patch(`/users/${id}/roles`), admin).send({ roles: [] })).status).toBe(200);
        expect((await as(t.http.get('/users'), cookie)).status).toBe(403);
        const demotedBearer = await as(t.http.get('/users'), bearer);
        expect([401, 403]).toContain(demotedBearer.status);
      });

      it('suspension ends every session at once, refuses sign-in like a wrong password; unsuspending revives nothing', async () => {
        const { id, email } = await register(t);
        const cookie = await loginCookie(t, email);
        const bearer = await loginBearer(t, email);
        const suspended = await as(t.http.post(`/users/${id}/suspend`), admin);
        expect(suspended.status).toBe(200);
        expect(suspended.body.status).toBe('suspended');
        expect((await me(t, cookie)).status).toBe(401);
        expect((await me(t, bearer)).status).toBe(401);
        const login = await t.http.post('/auth/login').send({ email, password: PASSWORD });
        const wrong = await t.http.post('/auth/login').send({ email, password: 'wrong password' });
        expect(login.status).toBe(401);
        expect(login.body).toEqual(wrong.body);
        expect((await as(t.http.post(`/users/${id}/unsuspend`), admin)).body.status).toBe('active');
        expect((await me(t, cookie)).status).toBe(401);
        expect((await me(t, await loginCookie(t, email))).status).toBe(200);
      });

      it('ends all of a user\'s sessions', async () => {
        const { id, email } = await register(t);
        const creds = [await loginCookie(t, email), await loginBearer(t, email)];
        const res = await as(t.http.delete(`/users/${id}/sessions`), admin);
        expect(res.status).toBe(200);
        expect(res.body.revoked).toBe(2);
        for (const cred of creds) expect((await me(t, cred)).status).toBe(401);
      });

      it('an admin password reset ends every session', async () => {
        const { id, email } = await register(t);
        const cred = await loginCookie(t, email);
        expect((await as(t.http.post(`/users/${id}/password`), admin).send({ password: 'reset by the admin' })).status).toBe(204);
        expect((await me(t, cred)).status).toBe(401);
        expect((await t.http.post('/auth/login').send({ email, password: 'reset by the admin' })).status).toBe(200);
      });
    });

    describe('storage', () => {
      it('stores only the SHA-256 of the secret, never the secret', async () => {
        const { email } = await register(t);
        const cred = (await loginBearer(t, email)) as { kind: 'bearer'; token: string; refreshToken?: string };
        const cookie = (await loginCookie(t, email)) as { kind: 'cookie'; cookies: string[] };
        const secrets = [cred.token, ...cookie.cookies.map((c) => c.slice(c.indexOf('=') + 1))];
        const rows = await t.dataSource.getRepository(Session).find();
        const dump = JSON.stringify(rows);
        for (const secret of secrets) expect(dump).not.toContain(secret);
        // The session secret is the bearer token (database) or the refresh token (JWT).
        const secret = target.strategy === 'jwt' ? cred.refreshToken! : cred.token;
        expect(dump).not.toContain(secret);
        const hash = createHash('sha256').update(secret).digest('hex');
        expect(rows.some((row) => row.tokenHash === hash)).toBe(true);
      });
    });

    describe('bad input', () => {
      const cases: Array<[string, string, object, string]> = [
        ['post', '/auth/register', { email: 'not-an-email', password: PASSWORD }, 'email'],
        ['post', '/auth/register', { email: 'ok@example.com', password: 'short' }, 'password'],
        ['post', '/auth/register', { email: 'ok@example.com', password: 'x'.repeat(1025) }, 'password'],
        ['post', '/auth/register', { email: 'ok@example.com', password: PASSWORD, role: 'admin' }, 'role'],
        ['post', '/auth/register', { email: ['a@example.com'], password: PASSWORD }, 'email'],
        ['post', '/auth/login', { email: 'ok@example.com' }, 'password'],
        ['post', '/auth/login', { email: 42, password: PASSWORD }, 'email'],
        ['post', '/auth/login', { email: 'ok@example.com', password: { $ne: null } }, 'password'],
        ['post', '/auth/token', { grant_type: 'client_credentials' }, 'grant_type'],
        ['post', '/auth/token', { grant_type: 'password', email: 'ok@example.com' }, 'password'],
      ];
      it.each(cases)('%s %s %j → 400 naming %s', async (method, path, body, field) => {
        const res = await (t.http as unknown as Record<string, (p: string) => import('supertest').Test>)[method](path).send(body);
        expect(res.status).toBe(400);
        expect(res.body.code).toBe('VALIDATION_FAILED');
        expect(res.body.details.map((d: { field: string }) => d.field)).toContain(field);
      });

      it('authenticated routes validate too: password change and admin bodies', async () => {
        const { id, email } = await register(t);
        const cred = await loginCookie(t, email);
        const pw = await as(t.http.post('/auth/password'), cred).send({ currentPassword: PASSWORD, newPassword: 'short' });
        expect(pw.status).toBe(400);
        expect(pw.body.details[0].field).toBe('newPassword');
        const roles = await as(t.http.patch(`/users/${id}/roles`), admin).send({ roles: ['Admin!'] });
        expect(roles.status).toBe(400);
        expect(roles.body.details[0].field).toBe('roles');
        const notArray = await as(t.http.patch(`/users/${id}/roles`), admin).send({ roles: 'admin' });
        expect(notArray.status).toBe(400);
        const adminPw = await as(t.http.post(`/users/${id}/password`), admin).send({});
        expect(adminPw.status).toBe(400);
        expect(adminPw.body.details[0].field).toBe('password');
        expect((await as(t.http.get('/users/not-a-uuid'), admin)).status).toBe(400);
      });

      it('malformed JSON → 400, oversized body → 413, neither writes anything', async () => {
        const before = await t.users.list(1, 0);
        const malformed = await t.http.post('/auth/register').set('Content-Type', 'application/json').send('{"email": "a@example.com",');
        expect(malformed.status).toBe(400);
        expect(malformed.body).toMatchObject({ statusCode: 400, code: 'MALFORMED_JSON' });
        const huge = await t.http.post('/auth/register').send({ email: 'big@example.com', password: 'x'.repeat(100_000) });
        expect(huge.status).toBe(413);
        expect(huge.body.code).toBe('PAYLOAD_TOO_LARGE');
        expect((await t.users.list(1, 0)).total).toBe(before.total);
      });

      it('never answers with a stack trace', async () => {
        const res = await t.http.post('/auth/login').set('Content-Type', 'application/json').send('[[[[[[');
        expect(JSON.stringify(res.body)).not.toMatch(/at .*\.(js|ts):\d+/);
        expect(res.status).toBeLessThan(500);
      });
    });

    describe('health', () => {
      it('liveness and readiness are public and up', async () => {
        expect((await t.http.get('/health/live')).status).toBe(200);
        const ready = await t.http.get('/health/ready');
        expect(ready.status).toBe(200);
        expect(ready.body.info.database.status).toBe('up');
      });
    });

    // Last: it takes the database away.
    describe('database unreachable', () => {
      it('answers 503 (never 500) and recovers by itself', async () => {
        const { email } = await register(t);
        const cred = await loginCookie(t, email);
        await cutDatabase(t);
        try {
          const login = await t.http.post('/auth/login').send({ email, password: PASSWORD });
          expect(login.status).toBe(503);
          expect(login.body.code).toBe('DATABASE_UNAVAILABLE');
          // Database sessions need the database on every request; a valid JWT does not.
          expect((await me(t, cred)).status).toBe(target.strategy === 'database' ? 503 : 200);
          expect((await t.http.get('/health/ready')).status).toBe(503);
          expect((await t.http.get('/health/live')).status).toBe(200);
        } finally {
          await restoreDatabase(t);
        }
        expect((await me(t, cred)).status).toBe(200);
        expect((await t.http.post('/auth/login').send({ email, password: PASSWORD })).status).toBe(200);
      });
    });
  });

  /** Uses the session: a read (database) or a refresh (JWT, whose access token outlives nothing here). */
  async function use(t: TestApp, cred: Credential): Promise<number> {
    if (target.strategy === 'database') return (await me(t, cred)).status;
    const res = await as(t.http.post('/auth/refresh'), cred);
    updateCookies(cred, res);
    return res.status;
  }

  describe(`contract: session lifetimes, ${target.strategy} strategy on ${target.dialect}`, () => {
    it('an idle session expires after the idle timeout; use slides it', async () => {
      const t = await startTestApp(target.dialect, { ...env, AUTH_SESSION_IDLE_TIMEOUT: '2s', AUTH_SESSION_TOUCH_INTERVAL: '0s' });
      try {
        const { email } = await register(t);
        const cred = await loginCookie(t, email);
        await sleep(1200);
        expect(await use(t, cred)).toBe(200);
        await sleep(1200);
        expect(await use(t, cred)).toBe(200); // 2.4 s after sign-in, alive because it was used
        await sleep(2300);
        expect(await use(t, cred)).toBe(401);
      } finally {
        await t.close();
      }
    });

    it('a session ends at its absolute lifetime however much it is used', async () => {
      const t = await startTestApp(target.dialect, { ...env, AUTH_SESSION_ABSOLUTE_LIFETIME: '2s', AUTH_SESSION_TOUCH_INTERVAL: '0s' });
      try {
        const { email } = await register(t);
        const cred = await loginCookie(t, email);
        for (let i = 0; i < 3; i++) {
          expect(await use(t, cred)).toBe(200);
          await sleep(500);
        }
        await sleep(800);
        expect(await use(t, cred)).toBe(401);
        expect((await me(t, cred)).status).toBe(401); // the access token never outlives the session
      } finally {
        await t.close();
      }
    });

    it('registration can be closed', async () => {
      const t = await startTestApp(target.dialect, { ...env, AUTH_REGISTRATION: 'closed' });
      try {
        const res = await t.http.post('/auth/register').send({ email: uniqueEmail(), password: PASSWORD });
        expect(res.status).toBe(403);
        expect(res.body.code).toBe('REGISTRATION_CLOSED');
      } finally {
        await t.close();
      }
    });
  });
}

/** Takes the database away for real: the TCP path to MariaDB is cut; SQLite's file handle is closed. */
async function cutDatabase(t: TestApp): Promise<void> {
  if (t.db.proxy) return t.db.proxy.cut();
  await t.dataSource.destroy();
}

async function restoreDatabase(t: TestApp): Promise<void> {
  if (t.db.proxy) return t.db.proxy.restore();
  await t.dataSource.initialize();
}
