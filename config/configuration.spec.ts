import { describe, expect, it } from '@jest/globals';
import { createPublicKey, generateKeyPairSync, randomBytes } from 'node:crypto';
import { ConfigurationError, loadConfiguration } from './configuration.js';
import { parseDuration } from './duration.js';

describe('parseDuration', () => {
  it.each([
    ['30s', 30_000],
    ['15m', 900_000],
    ['12h', 43_200_000],
    ['30d', 2_592_000_000],
    ['250ms', 250],
  ])('%s → %d ms', (text, ms) => expect(parseDuration(text)).toBe(ms));

  it.each(['', '10', '1.5h', '-5m', '5 minutes', 'm5', '9999999999999999d'])('rejects %j', (text) => {
    expect(parseDuration(text)).toBeUndefined();
  });
});

/** Production needs its secrets; this one is beside the point of most tests. */
const PRODUCTION = { NODE_ENV: 'production', AUTH_MFA_ENCRYPTION_KEY: randomBytes(32).toString('base64') };

describe('loadConfiguration', () => {
  it('has working defaults for a fresh machine: port 3000, embedded SQLite, database sessions, open registration', () => {
    const config = loadConfiguration({});
    expect(config.app.port).toBe(3000);
    expect(config.database).toMatchObject({ type: 'sqlite', path: 'data/auth.sqlite', migrationsRun: true });
    expect(config.auth).toMatchObject({ strategy: 'database', cookieSecure: false, registrationOpen: true });
  });

  it('production defaults to secure cookies and closed registration', () => {
    const config = loadConfiguration(PRODUCTION);
    expect(config.auth.cookieSecure).toBe(true);
    expect(config.auth.registrationOpen).toBe(false);
    expect(config.app.logJson).toBe(true);
  });

  it('parses MySQL and MariaDB URLs, decoding credentials', () => {
    const mysql = loadConfiguration({ DATABASE_URL: 'mysql://app:p%40ss@db.internal:3307/auth' }).database;
    expect(mysql).toMatchObject({ type: 'mysql', flavor: 'mysql', host: 'db.internal', port: 3307, username: 'app', password: 'p@ss', database: 'auth' });
    expect(loadConfiguration({ DATABASE_URL: 'mariadb://root@127.0.0.1/test' }).database).toMatchObject({ flavor: 'mariadb', port: 3306 });
  });

  it('reports every bad variable at once, one line each, naming it', () => {
    let error: unknown;
    try {
      loadConfiguration({
        PORT: 'eighty',
        DATABASE_URL: 'postgres://secret-password@host/db',
        AUTH_STRATEGY: 'magic',
        AUTH_COOKIE_SECURE: 'yes',
        AUTH_SESSION_IDLE_TIMEOUT: '10',
        AUTH_REGISTRATION: 'maybe',
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigurationError);
    const problems = (error as ConfigurationError).problems;
    for (const name of ['PORT', 'DATABASE_URL', 'AUTH_STRATEGY', 'AUTH_COOKIE_SECURE', 'AUTH_SESSION_IDLE_TIMEOUT', 'AUTH_REGISTRATION']) {
      expect(problems.filter((line) => line.startsWith(`${name}:`))).toHaveLength(1);
    }
    expect(problems.join('\n')).not.toContain('secret-password');
  });

  it('production with the JWT strategy requires configured keys and refresh secret', () => {
    expect(() => loadConfiguration({ ...PRODUCTION, AUTH_STRATEGY: 'jwt' })).toThrow(/AUTH_JWT_KEYS[\s\S]*AUTH_REFRESH_SECRET/);
    expect(loadConfiguration(PRODUCTION).auth.jwt.devKeyFile).toBeNull();
  });

  it('the second factor: production requires AUTH_MFA_ENCRYPTION_KEY; keys must be 32 random bytes; development keeps a generated one', () => {
    expect(() => loadConfiguration({ NODE_ENV: 'production' })).toThrow(/AUTH_MFA_ENCRYPTION_KEY: is required/);
    const key = randomBytes(32).toString('base64');
    const old = randomBytes(32).toString('base64');
    const mfa = loadConfiguration({ ...PRODUCTION, AUTH_MFA_ENCRYPTION_KEY: `${key}, ${old}`, AUTH_MFA_REQUIRED_ROLES: 'admin,auditor' }).auth.mfa;
    expect(mfa.encryptionKeys.map((k) => k.toString('base64'))).toEqual([key, old]);
    expect(mfa).toMatchObject({ devKeyFile: null, requiredRoles: ['admin', 'auditor'] });
    for (const bad of ['short', Buffer.alloc(32).toString('base64'), randomBytes(16).toString('base64')]) {
      let error: unknown;
      try {
        loadConfiguration({ AUTH_MFA_ENCRYPTION_KEY: bad });
      } catch (e) {
        error = e;
      }
      expect((error as ConfigurationError).problems).toHaveLength(1);
      expect((error as ConfigurationError).problems[0]).toMatch(/^AUTH_MFA_ENCRYPTION_KEY:/);
      expect((error as ConfigurationError).problems[0]).not.toContain(bad);
    }
    expect(loadConfiguration({}).auth.mfa).toMatchObject({ encryptionKeys: [], devKeyFile: 'data/mfa-dev-key.json', issuer: 'nest-auth', requiredRoles: [] });
    expect(loadConfiguration({ AUTH_ADMIN_REQUIRE_MFA: 'true', AUTH_ADMIN_FRESH_AUTH: '10m' }).auth.admin).toEqual({ requireMfa: true, freshAuthMs: 600_000 });
  });

  it('reads JWT keys from PEM (with \\n escapes) and JWK, and refuses a public first key without echoing it', () => {
    const key = generateKeyPairSync('ed25519').privateKey;
    const pem = (key.export({ format: 'pem', type: 'pkcs8' }) as string).replace(/\n/g, '\\n');
    expect(loadConfiguration({ AUTH_JWT_KEYS: pem }).auth.jwt.keys[0].asymmetricKeyType).toBe('ed25519');
    const jwk = JSON.stringify({ keys: [key.export({ format: 'jwk' })] });
    expect(loadConfiguration({ AUTH_JWT_KEYS: jwk }).auth.jwt.keys).toHaveLength(1);
    const publicPem = createPublicKey(key).export({ format: 'pem', type: 'spki' }) as string;
    expect(() => loadConfiguration({ AUTH_JWT_KEYS: publicPem })).toThrow(/AUTH_JWT_KEYS: the first key signs/);
    try {
      loadConfiguration({ AUTH_JWT_KEYS: '-----BEGIN PRIVATE KEY-----\nc2VjcmV0LW1hdGVyaWFs\n-----END PRIVATE KEY-----' });
    } catch (error) {
      expect((error as Error).message).not.toContain('c2VjcmV0LW1hdGVyaWFs');
    }
    expect(() => loadConfiguration({ AUTH_REFRESH_SECRET: 'short' })).toThrow(/AUTH_REFRESH_SECRET/);
  });

  it('refuses a touch interval not shorter than the idle timeout', () => {
    expect(() => loadConfiguration({ AUTH_SESSION_IDLE_TIMEOUT: '1m', AUTH_SESSION_TOUCH_INTERVAL: '1m' })).toThrow(/AUTH_SESSION_TOUCH_INTERVAL/);
  });
});
