import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { ConsoleLogger } from '@nestjs/common';
import { generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto';
import { loadConfiguration } from '../../config/index.js';
import { as, cookiesFrom, loginBearer, loginCookie, PASSWORD, register, uniqueEmail, type Credential } from '../support/client.js';
import { createTestDatabase, type Dialect, type TestDatabase } from '../support/databases.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

const ROLE_MAP = JSON.stringify({ admin: ['users:read', 'users:write', 'sessions:revoke'], support: ['users:write'] });

describe.each(['database', 'jwt'] as const)('role administration cannot escalate (%s strategy)', (strategy) => {
  let t: TestApp;
  let support: { id: string; cred: Credential };
  let admin: { id: string; cred: Credential };
  beforeAll(async () => {
    t = await startTestApp('sqlite', { AUTH_STRATEGY: strategy, AUTH_ROLE_PERMISSIONS: ROLE_MAP });
    const make = async (roles: string[]) => {
      const user = await t.users.create({ email: uniqueEmail(roles[0]), password: PASSWORD, roles });
      return { id: user.id, cred: await loginCookie(t, user.email) };
    };
    support = await make(['support']);
    admin = await make(['admin']);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('users:write grants only roles whose permissions the caller holds, and never its own', async () => {
    const target = await register(t);
    expect((await as(t.http.get('/users'), support.cred)).status).toBe(403);
    const own = await as(t.http.patch(`/users/${support.id}/roles`), support.cred).send({ roles: ['admin'] });
    expect(own.status).toBe(403);
    expect(own.body.code).toBe('FORBIDDEN');
    expect((await as(t.http.patch(`/users/${target.id}/roles`), support.cred).send({ roles: ['admin'] })).status).toBe(403);
    expect((await as(t.http.patch(`/users/${admin.id}/roles`), support.cred).send({ roles: [] })).status).toBe(403); // nor take admin away
    expect((await as(t.http.patch(`/users/${target.id}/roles`), support.cred).send({ roles: ['support'] })).status).toBe(200);
    expect((await as(t.http.get('/users'), support.cred)).status).toBe(403);
    expect((await as(t.http.patch(`/users/${admin.id}/roles`), admin.cred).send({ roles: [] })).status).toBe(403);
    expect((await as(t.http.patch(`/users/${target.id}/roles`), admin.cred).send({ roles: ['admin'] })).status).toBe(200);
  });

  it('a role named like an Object.prototype member is an ordinary role', async () => {
    const user = await t.users.create({ email: uniqueEmail('proto'), password: PASSWORD, roles: ['constructor'] });
    const cred = await loginCookie(t, user.email);
    const me = await as(t.http.get('/auth/me'), cred);
    expect(me.status).toBe(200);
    expect(me.body.user).toMatchObject({ roles: ['constructor'], permissions: [] });
  });
});

describe('client addresses behind proxies', () => {
  it('TRUST_PROXY=true is refused; hop counts and proxy lists are accepted', () => {
    expect(() => loadConfiguration({ TRUST_PROXY: 'true' })).toThrow(/TRUST_PROXY/);
    expect(loadConfiguration({ TRUST_PROXY: '1' }).app.trustProxy).toBe(1);
    expect(loadConfiguration({ TRUST_PROXY: '10.0.0.0/8, loopback' }).app.trustProxy).toEqual(['10.0.0.0/8', 'loopback']);
    expect(() => loadConfiguration({ TRUST_PROXY: '10.0.0.0/99' })).toThrow(/TRUST_PROXY/);
  });

  it('a forwarded "address" that is not an IP is neither recorded nor a fresh limiter bucket', async () => {
    const t = await startTestApp('sqlite', { TRUST_PROXY: '1', AUTH_THROTTLE_IP_PER_MINUTE: '3' });
    try {
      const { email } = await register(t);
      const login = await t.http.post('/auth/login').set('X-Forwarded-For', 'not-an-ip <script>').send({ email, password: PASSWORD });
      const sessions = await t.http.get('/auth/sessions').set('Cookie', cookiesFrom(login));
      expect(sessions.body.items[0].ip).toBeNull();
      const statuses: number[] = [];
      for (let i = 0; i < 5; i++) {
        statuses.push((await t.http.post('/auth/login').set('X-Forwarded-For', `junk-${i}`).send({ email: uniqueEmail('x'), password: PASSWORD })).status);
      }
      expect(statuses).toEqual([401, 401, 401, 429, 429]);
    } finally {
      await t.close();
    }
  });
});

describe('access-token lifetime across a restart', () => {
  let db: TestDatabase;
  let t: TestApp | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
    await db?.drop();
  });

  it('lowering AUTH_JWT_ACCESS_TTL refuses tokens issued under the longer lifetime', async () => {
    db = await createTestDatabase('sqlite');
    const key = (generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey as KeyObject).export({ format: 'pem', type: 'pkcs8' }) as string;
    const env = { AUTH_STRATEGY: 'jwt', AUTH_JWT_KEYS: key, AUTH_REFRESH_SECRET: 'a-test-refresh-secret-of-at-least-32-chars' };
    t = await startTestApp('sqlite', { ...env, AUTH_JWT_ACCESS_TTL: '15m' }, db);
    const { email } = await register(t);
    const long = await loginBearer(t, email);
    expect((await as(t.http.get('/auth/me'), long)).status).toBe(200);
    await t.close();
    t = await startTestApp('sqlite', { ...env, AUTH_JWT_ACCESS_TTL: '5m' }, db);
    expect((await as(t.http.get('/auth/me'), long)).status).toBe(401);
    expect((await as(t.http.get('/auth/me'), await loginBearer(t, email))).status).toBe(200);
  });
});

describe('an Authorization header does not waive the origin checks for cookie-borne refresh and logout', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp('sqlite', { AUTH_STRATEGY: 'jwt', CORS_ORIGINS: 'https://partner.example' });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('a listed CORS origin that is not trusted for cookies cannot refresh or end the session', async () => {
    const { email } = await register(t);
    const cred = await loginCookie(t, email);
    const cookies = (cred as { cookies: string[] }).cookies;
    for (const path of ['/auth/refresh', '/auth/logout']) {
      const res = await t.http.post(path).set('Cookie', cookies).set('Authorization', 'Bearer junk').set('Origin', 'https://partner.example');
      expect({ path, status: res.status, code: res.body.code }).toEqual({ path, status: 403, code: 'CSRF_REJECTED' });
    }
    expect((await as(t.http.get('/auth/me'), cred)).status).toBe(200);
    // A request the bearer token itself authenticates is still exempt.
    const bearer = await loginBearer(t, email);
    expect((await as(t.http.post('/auth/logout'), bearer).set('Origin', 'https://partner.example')).status).toBe(204);
  });
});

describe('production defaults and secrets', () => {
  it('the API description is off in production unless asked for', () => {
    const production = { NODE_ENV: 'production', AUTH_MFA_ENCRYPTION_KEY: randomBytes(32).toString('base64') };
    expect(loadConfiguration(production).app.swagger).toBe(false);
    expect(loadConfiguration({ ...production, SWAGGER: 'true' }).app.swagger).toBe(true);
    expect(loadConfiguration({}).app.swagger).toBe(true);
  });

  it('refuses predictable secrets and keys', () => {
    expect(() => loadConfiguration({ AUTH_REFRESH_SECRET: 'a'.repeat(48) })).toThrow(/AUTH_REFRESH_SECRET: looks too predictable/);
    const zero = JSON.stringify({ kty: 'oct', k: Buffer.alloc(32).toString('base64url') });
    expect(() => loadConfiguration({ AUTH_JWT_KEYS: zero })).toThrow(/AUTH_JWT_KEYS: an HS256 secret looks too predictable/);
    expect(() => loadConfiguration({ AUTH_METRICS_TOKEN: 'x'.repeat(40) })).toThrow(/AUTH_METRICS_TOKEN/);
  });
});

class CapturingLogger extends ConsoleLogger {
  readonly lines: string[] = [];
  override log(message: unknown) {
    this.lines.push(JSON.stringify(message));
  }
  override warn(message: unknown) {
    this.lines.push(JSON.stringify(message));
  }
  override error(message: unknown) {
    this.lines.push(JSON.stringify(message));
  }
  override debug() {}
  override verbose() {}
}

describe.each<Dialect>(['sqlite', 'mariadb'])('logs name accounts without writing addresses (%s)', (dialect) => {
  it('a duplicate registration, failed sign-ins and a lockout', async () => {
    const logger = new CapturingLogger();
    const t = await startTestApp(dialect, { AUTH_THROTTLE_ACCOUNT_PER_15M: '2' }, undefined, logger);
    try {
      const { email } = await register(t);
      expect((await t.http.post('/auth/register').send({ email, password: PASSWORD })).status).toBe(409);
      for (let i = 0; i < 3; i++) await t.http.post('/auth/login').send({ email, password: 'wrong password!' });
      const events = logger.lines.map((line) => JSON.parse(line) as Record<string, unknown>);
      const failed = events.filter((e) => e.event === 'auth.login_failed');
      const throttled = events.filter((e) => e.event === 'auth.login_throttled');
      expect(failed).toHaveLength(2);
      expect(throttled).toHaveLength(1);
      for (const e of [...failed, ...throttled]) expect(e.account).toEqual(failed[0].account);
      expect(typeof failed[0].account).toBe('string');
      // MariaDB's duplicate-key error is logged (redacted); it used to carry the address.
      if (dialect === 'mariadb') expect(logger.lines.some((line) => line.includes("Duplicate entry '[redacted]'"))).toBe(true);
      expect(logger.lines.join('\n')).not.toContain(email);
      expect(logger.lines.join('\n')).not.toContain(email.split('@')[0]);
    } finally {
      await t.close();
    }
  });
});
