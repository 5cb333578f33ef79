import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Connection } from 'mysql2/promise';
import { countDuring } from './support/query-counter.js';
import { as, loginBearer, loginCookie, register, type Credential } from './support/client.js';
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
