import { afterEach, describe, expect, it } from '@jest/globals';
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { as, createAdmin, loginBearer, loginCookie, register, type Credential } from '../support/client.js';
import { createTestDatabase, type Dialect, type TestDatabase } from '../support/databases.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

const pem = (key: KeyObject) => key.export({ format: 'pem', type: 'pkcs8' }) as string;
const kidOf = (token: string) => JSON.parse(Buffer.from(token.split('.')[0], 'base64url').toString()).kid as string;
const REFRESH_SECRET = 'a-test-refresh-secret-of-at-least-32-chars';

describe.each<Dialect>(['sqlite', 'mariadb'])('JWT keys and restarts on %s', (dialect) => {
  let db: TestDatabase | undefined;
  let t: TestApp | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
    await db?.drop();
    db = undefined;
  });

  const start = async (keys: KeyObject[]) => {
    await t?.close();
    t = await startTestApp(dialect, { AUTH_STRATEGY: 'jwt', AUTH_JWT_KEYS: keys.map(pem).join('\n'), AUTH_REFRESH_SECRET: REFRESH_SECRET }, db);
    return t;
  };
  const me = (app: TestApp, cred: Credential) => as(app.http.get('/auth/me'), cred);

  it('rotates keys without signing anyone out; a removed key no longer verifies', async () => {
    db = await createTestDatabase(dialect);
    const a = generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey;
    const b = generateKeyPairSync('ed25519').privateKey;
    let app = await start([a]);
    const { email } = await register(app);
    const old = (await loginBearer(app, email)) as { kind: 'bearer'; token: string };
    const kidA = kidOf(old.token);

    app = await start([b, a]);
    expect((await me(app, old)).status).toBe(200);
    const fresh = (await loginBearer(app, email)) as { kind: 'bearer'; token: string };
    expect(kidOf(fresh.token)).not.toBe(kidA);
    expect(JSON.parse(Buffer.from(fresh.token.split('.')[0], 'base64url').toString()).alg).toBe('EdDSA');
    const jwks = await app.http.get('/.well-known/jwks.json');
    expect(jwks.body.keys.map((k: { kid: string }) => k.kid).sort()).toEqual([kidA, kidOf(fresh.token)].sort());
    expect(jwks.body.keys.every((k: Record<string, unknown>) => k.d === undefined)).toBe(true);

    app = await start([b]);
    expect((await me(app, old)).status).toBe(401);
    expect((await me(app, fresh)).status).toBe(200);
  });

  it('a token revoked before a restart stays rejected after it; an unrevoked one still works', async () => {
    db = await createTestDatabase(dialect);
    const key = generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey;
    let app = await start([key]);
    const { email } = await register(app);
    const revoked = await loginBearer(app, email);
    const kept = await loginBearer(app, email);
    const cookie = await loginCookie(app, email);
    expect((await as(app.http.post('/auth/logout'), revoked)).status).toBe(204);
    expect((await me(app, revoked)).status).toBe(401);

    app = await start([key]);
    expect((await me(app, revoked)).status).toBe(401);
    expect((await me(app, kept)).status).toBe(200);
    expect((await me(app, cookie)).status).toBe(200);
  });

  it('a role change made before a restart still reaches old tokens after it', async () => {
    db = await createTestDatabase(dialect);
    const key = generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey;
    let app = await start([key]);
    const admin = await loginCookie(app, (await createAdmin(app)).email);
    const { id, email } = await register(app);
    const cookie = await loginCookie(app, email);
    const bearer = await loginBearer(app, email);
    expect((await as(app.http.patch(`/users/${id}/roles`), admin).send({ roles: ['admin'] })).status).toBe(200);

    app = await start([key]);
    const viaCookie = await as(app.http.get('/users'), cookie);
    expect(viaCookie.status).toBe(200);
    expect(String(viaCookie.headers['set-cookie'])).toMatch(/at=/);
    const viaBearer = await as(app.http.get('/users'), bearer);
    expect(viaBearer.status).toBe(401);
    expect(viaBearer.headers['www-authenticate']).toMatch(/error="invalid_token", error_description=".*changed/);
  });

  it('development: a generated key is kept on disk, so a restart signs no one out', async () => {
    db = await createTestDatabase(dialect);
    const keyFile = join(mkdtempSync(join(tmpdir(), 'auth-keys-')), 'keys.json');
    const env = { AUTH_STRATEGY: 'jwt', AUTH_JWT_DEV_KEY_FILE: keyFile, AUTH_JWT_ALGORITHM: 'EdDSA' };
    t = await startTestApp(dialect, env, db);
    const { email } = await register(t);
    const cred = (await loginBearer(t, email)) as { kind: 'bearer'; token: string; refreshToken: string };
    await t.close();
    t = await startTestApp(dialect, env, db);
    expect((await me(t, cred)).status).toBe(200);
    expect((await t.http.post('/auth/token').send({ grant_type: 'refresh_token', refresh_token: cred.refreshToken })).status).toBe(200);
  });
});

describe('JWT configuration', () => {
  it('HS256 works for a single-service deployment and publishes no key', async () => {
    const t = await startTestApp('sqlite', { AUTH_STRATEGY: 'jwt', AUTH_JWT_ALGORITHM: 'HS256' });
    try {
      const { email } = await register(t);
      const cred = (await loginBearer(t, email)) as { kind: 'bearer'; token: string };
      expect(JSON.parse(Buffer.from(cred.token.split('.')[0], 'base64url').toString()).alg).toBe('HS256');
      expect((await as(t.http.get('/auth/me'), cred)).status).toBe(200);
      expect((await t.http.get('/.well-known/jwks.json')).body.keys).toEqual([]);
    } finally {
      await t.close();
    }
  });

  it('the JWKS does not exist with the database strategy', async () => {
    const t = await startTestApp('sqlite', { AUTH_STRATEGY: 'database' });
    try {
      expect((await t.http.get('/.well-known/jwks.json')).status).toBe(404);
    } finally {
      await t.close();
    }
  });
});
