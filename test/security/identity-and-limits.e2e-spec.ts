import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { cookiesFrom, PASSWORD, register, uniqueEmail } from '../support/client.js';
import type { Dialect } from '../support/databases.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

const login = (t: TestApp, email: string, password = PASSWORD, cookies: string[] = []) => t.http.post('/auth/login').set('Cookie', cookies).send({ email, password });
const local = () => `u${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`;

describe.each<Dialect>(['sqlite', 'mariadb'])('email identity is exact and the same on both databases (%s)', (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(dialect, {});
  });
  afterAll(async () => {
    await t?.close();
  });

  it('an accented spelling is another address: it neither signs in as the owner nor squats it', async () => {
    const name = local();
    const carol = `carol${name}@example.com`;
    await register(t, carol);
    for (const lookalike of [`cåröl${name}@example.com`, `cärol${name}@example.com`, `cárol${name}@example.com`]) {
      expect((await login(t, lookalike)).status).toBe(401);
    }
    const squatter = `dàn${name}@example.com`;
    expect((await t.http.post('/auth/register').send({ email: squatter, password: PASSWORD })).status).toBe(201);
    const dan = `dan${name}@example.com`;
    const real = await t.http.post('/auth/register').send({ email: dan, password: 'the real dan password' });
    expect(real.status).toBe(201);
    expect((await login(t, dan, 'the real dan password')).body.user.email).toBe(dan);
    expect((await login(t, squatter)).body.user.email).toBe(squatter);
  });

  it('compatibility forms fold (NFKC): a fullwidth spelling is the same account; case and spaces too', async () => {
    const name = local();
    await register(t, `carol${name}@example.com`);
    const fullwidth = `ｃａｒｏｌ${name}@example.com`;
    expect((await t.http.post('/auth/register').send({ email: fullwidth, password: PASSWORD })).status).toBe(409);
    expect((await login(t, fullwidth)).status).toBe(200);
    expect((await login(t, `  CAROL${name.toUpperCase()}@EXAMPLE.COM `)).status).toBe(200);
  });

  it('refuses invisible characters and mixed scripts in a new address, naming the field', async () => {
    for (const email of [`car\u200bol${local()}@example.com`, `carol\u00ad${local()}@example.com`, `саrol${local()}@example.com`, `carol${local()}@exаmple.com`]) {
      const res = await t.http.post('/auth/register').send({ email, password: PASSWORD });
      expect(res.status).toBe(400);
      expect(res.body.details.map((d: { field: string }) => d.field)).toEqual(['email']);
    }
    // One script throughout is fine.
    expect((await t.http.post('/auth/register').send({ email: `иван${Date.now()}@пример.рф`, password: PASSWORD })).status).toBe(201);
  });
});

describe('sign-in limits', () => {
  let t: TestApp | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  it('cannot be raced: 30 concurrent wrong passwords against a limit of 10 get exactly 10 password checks', async () => {
    t = await startTestApp('sqlite', { AUTH_THROTTLE_ACCOUNT_PER_15M: '10' });
    const { email } = await register(t);
    const statuses = await Promise.all(Array.from({ length: 30 }, () => login(t!, email, 'wrong password!').then((r) => r.status)));
    expect(statuses.filter((s) => s === 401)).toHaveLength(10);
    expect(statuses.filter((s) => s === 429)).toHaveLength(20);
  });

  it('the daily cap cannot be raced either: 110 concurrent failures, cap 100', async () => {
    t = await startTestApp('sqlite', { AUTH_THROTTLE_ACCOUNT_PER_15M: '100000', AUTH_THROTTLE_ACCOUNT_PER_DAY: '100' });
    const { email } = await register(t);
    const statuses = await Promise.all(Array.from({ length: 110 }, () => login(t!, email, 'wrong password!').then((r) => r.status)));
    expect(statuses.filter((s) => s === 401)).toHaveLength(100);
  });

  it('successful sign-ins do not count against the address: 40 in a minute from one NAT, limit 30', async () => {
    t = await startTestApp('sqlite', { AUTH_THROTTLE_IP_PER_MINUTE: '30' });
    const users = [];
    // Registrations count against the address, so the accounts are made directly.
    for (let i = 0; i < 4; i++) users.push(await t.users.create({ email: uniqueEmail('nat'), password: PASSWORD }));
    for (let i = 0; i < 40; i++) expect((await login(t, users[i % 4].email)).status).toBe(200);
    // Failures still do.
    const failures: number[] = [];
    for (let i = 0; i < 32; i++) failures.push((await login(t, users[i % 4].email, 'wrong password!')).status);
    expect(failures).toEqual([...Array(30).fill(401), 429, 429]);
  });

  it('an attacker locking an account cannot lock its owner out of a device that signed in before', async () => {
    t = await startTestApp('sqlite', { AUTH_THROTTLE_ACCOUNT_PER_15M: '5' });
    const { email } = await register(t);
    const first = await login(t, email);
    expect(first.status).toBe(200);
    const device = cookiesFrom(first).filter((c) => c.startsWith('did='));
    expect(device).toHaveLength(1);
    const set = (first.headers['set-cookie'] as unknown as string[]).find((c) => c.startsWith('did='))!;
    expect(set).toMatch(/HttpOnly/);
    expect(set).toMatch(/Max-Age=34560000/);

    for (let i = 0; i < 8; i++) await login(t, email, 'attacker guess!');
    expect((await login(t, email)).status).toBe(429); // an unknown device: locked
    expect((await login(t, email, PASSWORD, device)).status).toBe(200); // the owner's device: its own counters
    // The device's counters are real limits too, and a forged or foreign device cookie is just an unknown device.
    expect((await login(t, email, PASSWORD, ['did=forged.cookie'])).status).toBe(429);
    const other = await register(t);
    const otherDevice = cookiesFrom(await login(t, other.email)).filter((c) => c.startsWith('did='));
    expect((await login(t, email, PASSWORD, otherDevice)).status).toBe(429);
  });
});
