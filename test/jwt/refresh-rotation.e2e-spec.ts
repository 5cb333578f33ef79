import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createHash } from 'node:crypto';
import { RotatedToken, Session } from '../../src/sessions/index.js';
import { as, cookiesFrom, loginBearer, loginCookie, register, sleep, type Credential } from '../support/client.js';
import type { Dialect } from '../support/databases.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

describe.each<Dialect>(['sqlite', 'mariadb'])('JWT refresh rotation on %s', (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    // A pool of 2 connections: concurrent refreshes must queue, not deadlock.
    t = await startTestApp(dialect, { AUTH_STRATEGY: 'jwt', AUTH_REFRESH_GRACE: '1s', DATABASE_POOL_SIZE: '2' });
  });
  afterAll(async () => {
    await t?.close();
  });

  const refresh = (token: string) => t.http.post('/auth/token').send({ grant_type: 'refresh_token', refresh_token: token });
  const me = (token: string) => t.http.get('/auth/me').set('Authorization', `Bearer ${token}`);

  async function signIn(): Promise<{ access: string; refresh: string }> {
    const { email } = await register(t);
    const cred = (await loginBearer(t, email)) as Extract<Credential, { kind: 'bearer' }>;
    expect(cred.refreshToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    return { access: cred.token, refresh: cred.refreshToken! };
  }

  it('rotates the refresh token on every use; each new access token works', async () => {
    const first = await signIn();
    const r1 = await refresh(first.refresh);
    expect(r1.status).toBe(200);
    expect(r1.body).toMatchObject({ token_type: 'Bearer', access_token: expect.any(String), refresh_token: expect.any(String) });
    expect(r1.body.refresh_token).not.toBe(first.refresh);
    expect((await me(r1.body.access_token)).status).toBe(200);
    const r2 = await refresh(r1.body.refresh_token);
    expect(r2.status).toBe(200);
    expect(r2.body.refresh_token).not.toBe(r1.body.refresh_token);
    const row = await t.dataSource.getRepository(Session).findOneByOrFail({ id: (await me(r2.body.access_token)).body.sessionId });
    expect(row.tokenHash).toBe(sha256(r2.body.refresh_token));
    const rotated = await t.dataSource.getRepository(RotatedToken).findBy({ sessionId: row.id });
    expect(rotated.map((r) => r.tokenHash).sort()).toEqual([sha256(first.refresh), sha256(r1.body.refresh_token)].sort());
  });

  it('a replay inside the grace window returns the same successor and keeps one branch', async () => {
    const first = await signIn();
    const a = await refresh(first.refresh);
    const b = await refresh(first.refresh);
    expect(a.status).toBe(200);
    expect(b.status).toBe(200);
    expect(b.body.refresh_token).toBe(a.body.refresh_token);
    expect((await me(a.body.access_token)).status).toBe(200);
    expect((await refresh(b.body.refresh_token)).status).toBe(200);
  });

  it('a replay after the grace window revokes the whole session: newest refresh token and its access tokens die too', async () => {
    const first = await signIn();
    const r1 = await refresh(first.refresh);
    const r2 = await refresh(r1.body.refresh_token);
    expect(r2.status).toBe(200);
    await sleep(1200);
    const replay = await refresh(first.refresh);
    expect(replay.status).toBe(400);
    expect(replay.body.code).toBe('INVALID_GRANT');
    expect((await refresh(r2.body.refresh_token)).status).toBe(400);
    expect((await me(r2.body.access_token)).status).toBe(401);
    expect((await me(first.access)).status).toBe(401);
    const row = await t.dataSource.getRepository(Session).findOneByOrFail({ tokenHash: sha256(r2.body.refresh_token) });
    expect(row.revokedReason).toBe('refresh_reuse');
  });

  it('50 parallel refreshes of one token on a pool of 2: no 500, one successor, one live branch', async () => {
    const first = await signIn();
    const results = await Promise.all(Array.from({ length: 50 }, () => refresh(first.refresh)));
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s >= 500)).toEqual([]);
    expect(statuses.every((s) => s === 200)).toBe(true);
    const successors = new Set(results.map((r) => r.body.refresh_token));
    expect(successors.size).toBe(1);
    const [successor] = successors;
    const rows = await t.dataSource.getRepository(Session).findBy({ tokenHash: sha256(successor) });
    expect(rows).toHaveLength(1);
    expect(rows[0].revokedAt).toBeNull();
    expect((await refresh(successor)).status).toBe(200);
  });

  it('an unknown, malformed or missing refresh token is a 400 invalid_grant (token endpoint) or 401 (cookie), never 500', async () => {
    for (const token of ['A'.repeat(43), 'short', '', 'x'.repeat(512)]) {
      const res = await refresh(token);
      expect(res.status).toBe(400);
    }
    expect((await t.http.post('/auth/refresh')).status).toBe(401);
    expect((await t.http.post('/auth/refresh').set('Cookie', `rt=${'A'.repeat(43)}`)).status).toBe(401);
  });

  it('browser flow: /auth/refresh rotates the cookie sent only to /auth', async () => {
    const { email } = await register(t);
    const res = await t.http.post('/auth/login').send({ email, password: 'correct horse battery staple' });
    const setCookie = (res.headers['set-cookie'] as unknown as string[]).join('\n');
    expect(setCookie).toMatch(/rt=[^;]+; Max-Age=\d+; Path=\/auth;.*HttpOnly/);
    expect(setCookie).toMatch(/at=[^;]+; Max-Age=\d+; Path=\/;.*HttpOnly/);
    const cred = { kind: 'cookie' as const, cookies: cookiesFrom(res) };
    const rotated = await as(t.http.post('/auth/refresh'), cred);
    expect(rotated.status).toBe(200);
    const next = cookiesFrom(rotated);
    expect(next.find((c) => c.startsWith('rt='))).not.toEqual(cred.cookies.find((c) => c.startsWith('rt=')));
    expect((await as(t.http.get('/auth/me'), { kind: 'cookie', cookies: next })).status).toBe(200);
    expect(JSON.stringify(rotated.body)).not.toMatch(/refresh_token|access_token/);
  });

  it('logout kills the refresh token as well as the access token', async () => {
    const { email } = await register(t);
    const cred = await loginCookie(t, email);
    expect((await as(t.http.post('/auth/logout'), cred)).status).toBe(204);
    expect((await as(t.http.post('/auth/refresh'), cred)).status).toBe(401);
  });

  it('logout still ends the session when only the refresh cookie is left (access cookie expired)', async () => {
    const { email } = await register(t);
    const cred = (await loginCookie(t, email)) as { kind: 'cookie'; cookies: string[] };
    const refreshOnly = { kind: 'cookie' as const, cookies: cred.cookies.filter((c) => c.startsWith('rt=')) };
    const res = await as(t.http.post('/auth/logout'), refreshOnly);
    expect(res.status).toBe(204);
    expect(String(res.headers['set-cookie'])).toMatch(/rt=;/);
    expect((await as(t.http.post('/auth/refresh'), refreshOnly)).status).toBe(401);
    expect((await as(t.http.get('/auth/me'), cred)).status).toBe(401);
  });
});
