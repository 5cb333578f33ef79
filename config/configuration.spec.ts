import { describe, expect, it } from '@jest/globals';
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

describe('loadConfiguration', () => {
  it('has working defaults for a fresh machine: port 3000, embedded SQLite, database sessions, open registration', () => {
    const config = loadConfiguration({});
    expect(config.app.port).toBe(3000);
    expect(config.database).toMatchObject({ type: 'sqlite', path: 'data/auth.sqlite', migrationsRun: true });
    expect(config.auth).toMatchObject({ strategy: 'database', cookieSecure: false, registrationOpen: true });
  });

  it('production defaults to secure cookies and closed registration', () => {
    const config = loadConfiguration({ NODE_ENV: 'production' });
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

  it('refuses a touch interval not shorter than the idle timeout', () => {
    expect(() => loadConfiguration({ AUTH_SESSION_IDLE_TIMEOUT: '1m', AUTH_SESSION_TOUCH_INTERVAL: '1m' })).toThrow(/AUTH_SESSION_TOUCH_INTERVAL/);
  });
});
