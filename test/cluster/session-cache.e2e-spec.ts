import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Connection } from 'mysql2/promise';
import { as, createAdmin, loginBearer, loginCookie, register, sleep, type Credential } from '../support/client.js';
import { serverConnection } from '../support/databases.js';
import { countDuring } from '../support/query-counter.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

const NONE = { select: 0, insert: 0, update: 0, delete: 0 };

describe('database strategy with AUTH_SESSION_CACHE_TTL, on MariaDB', () => {
  let t: TestApp;
  let conn: Connection;
  let admin: Credential;

  beforeAll(async () => {
    t = await startTestApp('mariadb', { AUTH_STRATEGY: 'database', AUTH_SESSION_CACHE_TTL: '30s', AUTH_SESSION_TOUCH_INTERVAL: '2s' });
    conn = await serverConnection();
    admin = await loginCookie(t, (await createAdmin(t)).email);
  });
  afterAll(async () => {
    await conn?.end();
    await t?.close();
  });

  const me = (cred: Credential) => as(t.http.get('/auth/me'), cred);

  it('the first read runs the 1 SELECT, the next ones none', async () => {
    const cred = await loginBearer(t, (await register(t)).email);
    expect(await countDuring(conn, async () => expect((await me(cred)).status).toBe(200))).toEqual({ ...NONE, select: 1 });
    for (let i = 0; i < 5; i++) expect(await countDuring(conn, async () => expect((await me(cred)).status).toBe(200))).toEqual(NONE);
  });

  it('last_seen_at is still written once per touch interval, and not in between', async () => {
    const cred = await loginCookie(t, (await register(t)).email);
    await me(cred);
    expect(await countDuring(conn, () => me(cred))).toEqual(NONE);
    await sleep(2_100);
    expect(await countDuring(conn, () => me(cred))).toEqual({ ...NONE, update: 1 });
    expect(await countDuring(conn, () => me(cred))).toEqual(NONE);
  });

  it('sign-out, sign-out everywhere, device revocation, suspension and a role change apply on the very next request', async () => {
    const actions: Array<[string, (user: { id: string; email: string }, cred: Credential) => Promise<unknown>, (res: { status: number; body: { user?: { roles: string[] } } }) => boolean]> = [
      ['logout', (_u, cred) => as(t.http.post('/auth/logout'), cred), (res) => res.status === 401],
      ['logout-all', (_u, cred) => as(t.http.post('/auth/logout-all'), cred), (res) => res.status === 401],
      [
        'revoke device',
        async (u, cred) => {
          const other = await loginBearer(t, u.email);
          return as(t.http.delete(`/auth/sessions/${(await me(cred)).body.sessionId}`), other);
        },
        (res) => res.status === 401,
      ],
      ['suspend', (u) => as(t.http.post(`/users/${u.id}/suspend`), admin), (res) => res.status === 401],
      ['roles', (u) => as(t.http.patch(`/users/${u.id}/roles`), admin).send({ roles: ['auditor'] }), (res) => res.status === 200 && res.body.user!.roles.includes('auditor')],
    ];
    for (const [name, act, enforced] of actions) {
      const user = await register(t);
      const cred = await loginCookie(t, user.email);
      await me(cred);
      expect(await countDuring(conn, () => me(cred))).toEqual(NONE); // served from the cache
      const res = await act(user, cred);
      expect([200, 204]).toContain((res as { status: number }).status);
      const next = await me(cred);
      expect({ name, enforced: enforced(next) }).toEqual({ name, enforced: true });
    }
  });
});

describe('the session cache and a session kept alive elsewhere', () => {
  it('an entry that looks idle-expired is read again: use on another instance keeps the session alive here too', async () => {
    const env = { AUTH_STRATEGY: 'database', AUTH_SESSION_CACHE_TTL: '30s', AUTH_SESSION_IDLE_TIMEOUT: '3s', AUTH_SESSION_TOUCH_INTERVAL: '1s' };
    const a = await startTestApp('mariadb', env);
    const b = await startTestApp('mariadb', env, a.db);
    try {
      const cred = await loginCookie(a, (await register(a)).email);
      expect((await as(b.http.get('/auth/me'), cred)).status).toBe(200); // cached on B with the first idle expiry
      for (let i = 0; i < 9; i++) {
        await sleep(500);
        expect((await as(a.http.get('/auth/me'), cred)).status).toBe(200); // A slides the idle expiry in the database
      }
      expect((await as(b.http.get('/auth/me'), cred)).status).toBe(200);
    } finally {
      await b.close();
      await a.close();
    }
  });
});
