import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Connection } from 'mysql2/promise';
import { countDuring } from './support/query-counter.js';
import { as, createAdmin, loginBearer, loginCookie, register, updateCookies, type Credential } from './support/client.js';
import { serverConnection } from './support/databases.js';
import { startTestApp, type TestApp } from './support/test-app.js';

describe('query budget: database strategy on MariaDB', () => {
  let t: TestApp;
  let conn: Connection;
  let cookie: Credential;
  let bearer: Credential;

  beforeAll(async () => {
    t = await startTestApp('mariadb', { AUTH_STRATEGY: 'database', AUTH_SESSION_TOUCH_INTERVAL: '1m' });
    conn = await serverConnection();
    const { email } = await register(t);
    cookie = await loginCookie(t, email);
    bearer = await loginBearer(t, email);
  });
  afterAll(async () => {
    await conn?.end();
    await t?.close();
  });

  it.each([
    ['cookie', () => cookie],
    ['bearer', () => bearer],
  ])('an authenticated read (GET /auth/me, %s) runs exactly 1 SELECT and 0 writes', async (_name, cred) => {
    for (let i = 0; i < 3; i++) {
      let status = 0;
      const used = await countDuring(conn, async () => {
        status = (await as(t.http.get('/auth/me'), cred())).status;
      });
      expect(status).toBe(200);
      expect(used).toEqual({ select: 1, insert: 0, update: 0, delete: 0 });
    }
  });

  it('an unknown token costs 1 SELECT; a malformed one costs none', async () => {
    const unknown = await countDuring(conn, () => t.http.get('/auth/me').set('Authorization', `Bearer ${'A'.repeat(43)}`));
    expect(unknown).toEqual({ select: 1, insert: 0, update: 0, delete: 0 });
    const malformed = await countDuring(conn, () => t.http.get('/auth/me').set('Authorization', 'Bearer short'));
    expect(malformed).toEqual({ select: 0, insert: 0, update: 0, delete: 0 });
  });

  it('sign-in is a user lookup plus one INSERT', async () => {
    const { email } = await register(t);
    const used = await countDuring(conn, () => loginCookie(t, email));
    expect(used).toEqual({ select: 1, insert: 1, update: 0, delete: 0 });
  });
});

describe('query budget: touch interval', () => {
  it('writes last_seen_at once the interval has passed, and not before', async () => {
    const t = await startTestApp('mariadb', { AUTH_STRATEGY: 'database', AUTH_SESSION_TOUCH_INTERVAL: '1s' });
    const conn = await serverConnection();
    try {
      const { email } = await register(t);
      const cred = await loginCookie(t, email);
      const fresh = await countDuring(conn, () => as(t.http.get('/auth/me'), cred));
      expect(fresh).toEqual({ select: 1, insert: 0, update: 0, delete: 0 });
      await new Promise((r) => setTimeout(r, 1100));
      const stale = await countDuring(conn, () => as(t.http.get('/auth/me'), cred));
      expect(stale).toEqual({ select: 1, insert: 0, update: 1, delete: 0 });
      const again = await countDuring(conn, () => as(t.http.get('/auth/me'), cred));
      expect(again).toEqual({ select: 1, insert: 0, update: 0, delete: 0 });
    } finally {
      await conn.end();
      await t.close();
    }
  });
});

describe('query budget: JWT strategy on MariaDB', () => {
  let t: TestApp;
  let conn: Connection;
  beforeAll(async () => {
    t = await startTestApp('mariadb', { AUTH_STRATEGY: 'jwt' });
    conn = await serverConnection();
  });
  afterAll(async () => {
    await conn?.end();
    await t?.close();
  });

  const none = { select: 0, insert: 0, update: 0, delete: 0 };

  it('an authenticated read runs 0 SQL statements (cookie and bearer)', async () => {
    const { email } = await register(t);
    for (const cred of [await loginCookie(t, email), await loginBearer(t, email)]) {
      for (let i = 0; i < 3; i++) {
        let status = 0;
        const used = await countDuring(conn, async () => {
          status = (await as(t.http.get('/auth/me'), cred)).status;
        });
        expect(status).toBe(200);
        expect(used).toEqual(none);
      }
    }
  });

  it('a revoked token is refused with 0 statements', async () => {
    const { email } = await register(t);
    const cred = await loginBearer(t, email);
    await as(t.http.post('/auth/logout'), cred);
    let status = 0;
    const used = await countDuring(conn, async () => {
      status = (await as(t.http.get('/auth/me'), cred)).status;
    });
    expect(status).toBe(401);
    expect(used).toEqual(none);
  });

  it('the first cookie request after a role change re-encodes with 1 SELECT, then 0 again', async () => {
    const admin = await loginCookie(t, (await createAdmin(t)).email);
    const { id, email } = await register(t);
    const cred = await loginCookie(t, email);
    await as(t.http.patch(`/users/${id}/roles`), admin).send({ roles: ['auditor'] });
    let res: Awaited<ReturnType<typeof t.http.get>> | undefined;
    const first = await countDuring(conn, async () => {
      res = await as(t.http.get('/auth/me'), cred);
    });
    expect(res!.status).toBe(200);
    expect(res!.body.user.roles).toEqual(['auditor']);
    expect(first).toEqual({ select: 1, insert: 0, update: 0, delete: 0 });
    updateCookies(cred, res!);
    const next = await countDuring(conn, () => as(t.http.get('/auth/me'), cred));
    expect(next).toEqual(none);
  });

  it('a refresh is 1 SELECT and one transaction (1 UPDATE, 1 INSERT)', async () => {
    const { email } = await register(t);
    const cred = (await loginBearer(t, email)) as { refreshToken: string };
    let status = 0;
    const used = await countDuring(conn, async () => {
      status = (await t.http.post('/auth/token').send({ grant_type: 'refresh_token', refresh_token: cred.refreshToken })).status;
    });
    expect(status).toBe(200);
    expect(used).toEqual({ select: 1, insert: 1, update: 1, delete: 0 });
  });
});
