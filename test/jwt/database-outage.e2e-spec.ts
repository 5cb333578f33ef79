import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { as, loginBearer, loginCookie, register, PASSWORD } from '../support/client.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

/** A real fault: the TCP path between the app and MariaDB is cut, then restored. */
describe('JWT strategy with MariaDB unreachable', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp('mariadb', { AUTH_STRATEGY: 'jwt', DATABASE_CONNECT_TIMEOUT: '1s' });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('reads keep working with revocations enforced; sign-in and refresh answer 503; it recovers by itself', async () => {
    const { email } = await register(t);
    const alive = (await loginBearer(t, email)) as { kind: 'bearer'; token: string; refreshToken: string };
    const cookie = await loginCookie(t, email);
    const revoked = await loginBearer(t, email);
    expect((await as(t.http.post('/auth/logout'), revoked)).status).toBe(204);

    await t.db.proxy!.cut();
    try {
      expect((await as(t.http.get('/auth/me'), alive)).status).toBe(200);
      expect((await as(t.http.get('/auth/me'), cookie)).status).toBe(200);
      expect((await as(t.http.get('/auth/me'), revoked)).status).toBe(401);
      const started = Date.now();
      const login = await t.http.post('/auth/login').send({ email, password: PASSWORD });
      expect(login.status).toBe(503);
      const refresh = await t.http.post('/auth/token').send({ grant_type: 'refresh_token', refresh_token: alive.refreshToken });
      expect(refresh.status).toBe(503);
      expect(Date.now() - started).toBeLessThan(10_000);
      expect((await t.http.get('/health/ready')).status).toBe(503);
    } finally {
      await t.db.proxy!.restore();
    }
    const refresh = await t.http.post('/auth/token').send({ grant_type: 'refresh_token', refresh_token: alive.refreshToken });
    expect(refresh.status).toBe(200);
    expect((await t.http.post('/auth/login').send({ email, password: PASSWORD })).status).toBe(200);
  });
});
