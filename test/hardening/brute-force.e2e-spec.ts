import { afterEach, describe, expect, it } from '@jest/globals';
import { PASSWORD, register, uniqueEmail } from '../support/client.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

describe('brute force and credential stuffing', () => {
  let t: TestApp | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  it('per account: failures from ever-changing forwarded addresses still hit the limit; 429 with Retry-After', async () => {
    t = await startTestApp('sqlite', { AUTH_THROTTLE_ACCOUNT_PER_15M: '5', TRUST_PROXY: '1' });
    const { email } = await register(t);
    for (let i = 0; i < 5; i++) {
      const res = await t.http.post('/auth/login').set('X-Forwarded-For', `203.0.113.${i}`).send({ email, password: 'wrong password' });
      expect(res.status).toBe(401);
    }
    const blocked = await t.http.post('/auth/login').set('X-Forwarded-For', '198.51.100.7').send({ email, password: PASSWORD });
    expect(blocked.status).toBe(429);
    expect(blocked.body.code).toBe('TOO_MANY_ATTEMPTS');
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
    // The token endpoint shares the account's counter.
    expect((await t.http.post('/auth/token').send({ grant_type: 'password', email, password: PASSWORD })).status).toBe(429);
    // Other accounts are unaffected: nothing is locked globally.
    const other = await register(t);
    expect((await t.http.post('/auth/login').send({ email: other.email, password: PASSWORD })).status).toBe(200);
  });

  it('per account: an unknown account is limited exactly like a known one (no enumeration through the limiter)', async () => {
    t = await startTestApp('sqlite', { AUTH_THROTTLE_ACCOUNT_PER_15M: '3' });
    const known = (await register(t)).email;
    const unknown = uniqueEmail('ghost');
    const statuses = async (email: string) => {
      const out: number[] = [];
      for (let i = 0; i < 5; i++) out.push((await t!.http.post('/auth/login').send({ email, password: 'wrong password' })).status);
      return out;
    };
    expect(await statuses(known)).toEqual([401, 401, 401, 429, 429]);
    expect(await statuses(unknown)).toEqual([401, 401, 401, 429, 429]);
  });

  it('a success resets the account counters', async () => {
    t = await startTestApp('sqlite', { AUTH_THROTTLE_ACCOUNT_PER_15M: '3' });
    const { email } = await register(t);
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < 2; i++) expect((await t.http.post('/auth/login').send({ email, password: 'wrong password' })).status).toBe(401);
      expect((await t.http.post('/auth/login').send({ email, password: PASSWORD })).status).toBe(200);
    }
  });

  it('per client address: many accounts from one address are throttled; the forwarded header is ignored unless trust proxy is on', async () => {
    t = await startTestApp('sqlite', { AUTH_THROTTLE_IP_PER_MINUTE: '4' });
    const results: number[] = [];
    for (let i = 0; i < 6; i++) {
      results.push((await t.http.post('/auth/login').set('X-Forwarded-For', `203.0.113.${i}`).send({ email: uniqueEmail('spray'), password: 'Password1!' })).status);
    }
    expect(results).toEqual([401, 401, 401, 401, 429, 429]);
    expect((await t.http.post('/auth/register').send({ email: uniqueEmail(), password: PASSWORD })).status).toBe(429);
  });

  it('never more than 100 consecutive failures per account (the cap is not configurable above it)', async () => {
    t = await startTestApp('sqlite', { AUTH_THROTTLE_ACCOUNT_PER_15M: '100000', AUTH_THROTTLE_ACCOUNT_PER_DAY: '3' });
    const { email } = await register(t);
    const out: number[] = [];
    for (let i = 0; i < 4; i++) out.push((await t.http.post('/auth/login').send({ email, password: 'wrong password' })).status);
    expect(out).toEqual([401, 401, 401, 429]);
    await expect(startTestApp('sqlite', { AUTH_THROTTLE_ACCOUNT_PER_DAY: '101' })).rejects.toThrow(/AUTH_THROTTLE_ACCOUNT_PER_DAY/);
  });
});
