import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Session } from '../../src/sessions/index.js';
import { as, loginBearer, loginCookie, PASSWORD, register } from '../support/client.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

/** Real faults between the app and MariaDB, through a TCP proxy the test controls. */
describe.each(['database', 'jwt'] as const)('database faults on MariaDB (%s strategy)', (strategy) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp('mariadb', { AUTH_STRATEGY: strategy, DATABASE_CONNECT_TIMEOUT: '1s', DATABASE_QUERY_TIMEOUT: '1s' });
  });
  afterAll(async () => {
    await t?.close();
  });

  const timed = async <T>(fn: () => Promise<T>): Promise<[T, number]> => {
    const started = Date.now();
    const result = await fn();
    return [result, Date.now() - started];
  };

  for (const fault of ['refused', 'hanging'] as const) {
    it(`${fault}: 503 within a bound (never 200, never 500); readiness 503, liveness 200; recovers by itself with nothing half-written`, async () => {
      const { id, email } = await register(t);
      const cookie = await loginCookie(t, email);
      const bearer = (await loginBearer(t, email)) as { kind: 'bearer'; token: string; refreshToken?: string };
      const sessionsBefore = await t.dataSource.getRepository(Session).countBy({ userId: id });
      if (fault === 'refused') await t.db.proxy!.cut();
      else t.db.proxy!.blackhole();
      try {
        const [login, loginMs] = await timed(() => t.http.post('/auth/login').send({ email, password: PASSWORD }));
        expect(login.status).toBe(503);
        expect(login.body.code).toBe('DATABASE_UNAVAILABLE');
        expect(loginMs).toBeLessThan(8_000);
        const [read, readMs] = await timed(() => as(t.http.get('/auth/me'), cookie));
        expect(read.status).toBe(strategy === 'database' ? 503 : 200);
        expect(readMs).toBeLessThan(8_000);
        if (strategy === 'jwt') {
          const refresh = await t.http.post('/auth/token').send({ grant_type: 'refresh_token', refresh_token: bearer.refreshToken });
          expect(refresh.status).toBe(503);
        }
        expect((await t.http.get('/health/ready')).status).toBe(503);
        expect((await t.http.get('/health/live')).status).toBe(200);
      } finally {
        await t.db.proxy!.restore();
      }
      // Recovery without a restart; the pool may need a first attempt to drop dead connections.
      let status = 0;
      for (let i = 0; i < 20 && status !== 200; i++) {
        status = (await as(t.http.get('/auth/sessions'), bearer)).status;
        if (status !== 200) await new Promise((r) => setTimeout(r, 250));
      }
      expect(status).toBe(200);
      expect((await t.http.post('/auth/login').send({ email, password: PASSWORD })).status).toBe(200);
      expect(await t.dataSource.getRepository(Session).countBy({ userId: id })).toBe(sessionsBefore + 1);
    });
  }
});
