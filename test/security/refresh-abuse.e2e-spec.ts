import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createHash, createHmac } from 'node:crypto';
import { RotatedToken, Session } from '../../src/sessions/index.js';
import { loginBearer, register } from '../support/client.js';
import type { Dialect } from '../support/databases.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

const SECRET = 'a-test-refresh-secret-of-at-least-32-chars';

describe.each<Dialect>(['sqlite', 'mariadb'])('refresh abuse (%s)', (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(dialect, { AUTH_STRATEGY: 'jwt', AUTH_REFRESH_SECRET: SECRET, AUTH_THROTTLE_REFRESH_PER_MINUTE: '40', AUTH_THROTTLE_IP_PER_MINUTE: '25' });
  });
  afterAll(async () => {
    await t?.close();
  });

  const refresh = (token: string) => t.http.post('/auth/token').send({ grant_type: 'refresh_token', refresh_token: token });

  it('refresh grants are limited per session, and the record of rotated tokens stays bounded', async () => {
    const { email } = await register(t);
    let token = ((await loginBearer(t, email)) as { refreshToken: string }).refreshToken;
    const statuses: number[] = [];
    for (let i = 0; i < 45; i++) {
      const res = await refresh(token);
      statuses.push(res.status);
      if (res.status === 200) token = res.body.refresh_token;
    }
    expect(statuses.slice(0, 40)).toEqual(Array(40).fill(200));
    expect(statuses.slice(40)).toEqual(Array(5).fill(429));
    const session = await t.dataSource.getRepository(Session).findOneByOrFail({ tokenHash: sha256(token) });
    expect(session.generation).toBe(40);
    const kept = await t.dataSource.getRepository(RotatedToken).countBy({ sessionId: session.id });
    expect(kept).toBeLessThanOrEqual(29);
    expect(kept).toBeGreaterThanOrEqual(20);
  });

  it('bogus refresh tokens from one address are throttled like failed sign-ins', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 30; i++) statuses.push((await refresh(`${'A'.repeat(40)}${String(i).padStart(3, '0')}`)).status);
    // The address's budget (25 a minute) is shared with this suite's earlier failures: at most 25 get through.
    const firstLimited = statuses.indexOf(429);
    expect(statuses[0]).toBe(400);
    expect(firstLimited).toBeGreaterThan(0);
    expect(firstLimited).toBeLessThanOrEqual(25);
    expect(statuses.slice(firstLimited)).toEqual(Array(30 - firstLimited).fill(429));
    expect(statuses.slice(0, firstLimited)).toEqual(Array(firstLimited).fill(400));
  });

  it('the refresh secret and an old token are not enough to compute the next token', async () => {
    const other = await startTestApp(dialect, { AUTH_STRATEGY: 'jwt', AUTH_REFRESH_SECRET: SECRET });
    try {
      const { email } = await register(other);
      const first = ((await loginBearer(other, email)) as { refreshToken: string }).refreshToken;
      const rotated = await other.http.post('/auth/token').send({ grant_type: 'refresh_token', refresh_token: first });
      expect(rotated.status).toBe(200);
      const forged = createHmac('sha256', SECRET).update(first).digest('base64url');
      expect(forged).not.toBe(rotated.body.refresh_token);
      const forgedNext = createHmac('sha256', SECRET).update(rotated.body.refresh_token).digest('base64url');
      expect((await other.http.post('/auth/token').send({ grant_type: 'refresh_token', refresh_token: forgedNext })).status).toBe(400);
      // The real chain goes on.
      expect((await other.http.post('/auth/token').send({ grant_type: 'refresh_token', refresh_token: rotated.body.refresh_token })).status).toBe(200);
    } finally {
      await other.close();
    }
  });
});

function sha256(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}
