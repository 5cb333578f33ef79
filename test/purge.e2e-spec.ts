import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { RotatedToken, Session, SessionsService } from '../src/sessions/index.js';
import { as, loginBearer, loginCookie, register } from './support/client.js';
import type { Dialect } from './support/databases.js';
import { startTestApp, type TestApp } from './support/test-app.js';

describe.each<Dialect>(['sqlite', 'mariadb'])('purging dead sessions on %s', (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(dialect, { AUTH_STRATEGY: 'jwt', AUTH_JWT_ACCESS_TTL: '5m', AUTH_SESSION_RETENTION: '6m', AUTH_SESSION_ABSOLUTE_LIFETIME: '1h' });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('deletes revoked and expired rows past the retention, in batches, with their rotated tokens; live rows stay', async () => {
    const { id, email } = await register(t);
    const live = await loginBearer(t, email);
    const dead = [await loginCookie(t, email), await loginCookie(t, email), await loginCookie(t, email)];
    const rotating = (await loginBearer(t, email)) as { refreshToken: string };
    const refreshed = await t.http.post('/auth/token').send({ grant_type: 'refresh_token', refresh_token: rotating.refreshToken });
    dead.push({ kind: 'bearer', token: refreshed.body.access_token });
    for (const cred of dead) expect((await as(t.http.post('/auth/logout'), cred)).status).toBe(204);
    const repo = t.dataSource.getRepository(Session);
    expect(await repo.countBy({ userId: id })).toBe(5);
    expect(await t.dataSource.getRepository(RotatedToken).count()).toBe(1);

    const sessions = t.app.get(SessionsService);
    expect(await sessions.purge(60_000, 2)).toBe(0); // inside the retention: kept
    // Two minutes on, the four revoked rows are past a 60 s retention (deleted two at a time); the live one is not.
    expect(await sessions.purge(60_000, 2, new Date(Date.now() + 120_000))).toBe(4);
    expect(await repo.countBy({ userId: id })).toBe(1);
    expect(await t.dataSource.getRepository(RotatedToken).count()).toBe(0);
    expect((await as(t.http.get('/auth/sessions'), live)).body.items).toHaveLength(1);
  });
});
