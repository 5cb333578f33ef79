import { afterEach, describe, expect, it } from '@jest/globals';
import { PassThrough, Readable } from 'node:stream';
import { runCli } from '../src/cli.js';
import { PASSWORD, loginCookie, as, register } from './support/client.js';
import { enrolTotp } from './support/mfa.js';
import { createTestDatabase, type Dialect, type TestDatabase } from './support/databases.js';
import { startTestApp, type TestApp } from './support/test-app.js';

function io(stdin: string, env: Record<string, string>) {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (d) => (out += d));
  stderr.on('data', (d) => (err += d));
  return { io: { stdin: Readable.from([stdin]), stdout, stderr, env }, out: () => out, err: () => err };
}

describe.each<Dialect>(['sqlite', 'mariadb'])('admin CLI on %s', (dialect) => {
  let db: TestDatabase | undefined;
  let t: TestApp | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
    await db?.drop();
    db = undefined;
  });

  it('user:create reads the password from stdin and the admin can sign in and administer', async () => {
    db = await createTestDatabase(dialect);
    const env = { DATABASE_URL: db.url, NODE_ENV: 'test' };
    const run = io(`${PASSWORD}\n`, env);
    const code = await runCli(['user:create', '--email', 'Root@Example.com', '--roles', 'admin', '--password-stdin'], run.io);
    expect(run.err()).toBe('');
    expect(code).toBe(0);
    expect(run.out()).toMatch(/created user .* <root@example\.com> roles=\[admin\]/);

    t = await startTestApp(dialect, {});
    // The app under test has its own fresh database; point a second CLI run at it to prove "any DATABASE_URL".
    const second = io(`${PASSWORD}\n`, { DATABASE_URL: t.db.url, NODE_ENV: 'test' });
    expect(await runCli(['user:create', '--email', 'root@example.com', '--roles', 'admin', '--password-stdin'], second.io)).toBe(0);
    const cred = await loginCookie(t, 'root@example.com');
    expect((await as(t.http.get('/users'), cred)).status).toBe(200);
  });

  it('refuses a password on the command line, a short password, and a duplicate', async () => {
    db = await createTestDatabase(dialect);
    const env = { DATABASE_URL: db.url, NODE_ENV: 'test' };
    const argv = io('', env);
    expect(await runCli(['user:create', '--email', 'a@example.com', '--password', 'secret123'], argv.io)).toBe(2);
    expect(argv.err()).toMatch(/never pass a password on the command line/);
    const short = io('short\n', env);
    expect(await runCli(['user:create', '--email', 'a@example.com', '--password-stdin'], short.io)).toBe(2);
    expect(short.err()).toMatch(/password/);
    expect(await runCli(['user:create', '--email', 'a@example.com', '--password-stdin'], io(`${PASSWORD}\n`, env).io)).toBe(0);
    const dup = io(`${PASSWORD}\n`, env);
    expect(await runCli(['user:create', '--email', 'a@example.com', '--password-stdin'], dup.io)).toBe(1);
    expect(dup.err()).toMatch(/already exists/);
  });

  it('user:reset-mfa (break glass) removes the second factor and ends every session; an unknown email is an error', async () => {
    t = await startTestApp(dialect, {});
    const { email } = await register(t);
    const cred = await loginCookie(t, email);
    await enrolTotp(t, cred);
    expect((await t.http.post('/auth/login').send({ email, password: PASSWORD })).body).toMatchObject({ mfaRequired: true });
    const env = { DATABASE_URL: t.db.url, NODE_ENV: 'test' };
    const run = io('', env);
    expect(await runCli(['user:reset-mfa', '--email', email.toUpperCase()], run.io)).toBe(0);
    expect(run.out()).toMatch(/second factor removed for .*; 1 sessions ended/);
    expect((await as(t.http.get('/auth/me'), cred)).status).toBe(401);
    const after = await loginCookie(t, email);
    expect((await as(t.http.get('/auth/me'), after)).body.amr).toEqual(['pwd']);
    const unknown = io('', env);
    expect(await runCli(['user:reset-mfa', '--email', 'nobody@example.com'], unknown.io)).toBe(1);
    expect(unknown.err()).toMatch(/no user with this email/);
    // Now without a second factor: a second run changes nothing and ends no session.
    const again = io('', env);
    expect(await runCli(['user:reset-mfa', '--email', email], again.io)).toBe(1);
    expect(again.err()).toMatch(/has no second factor; nothing was changed/);
    expect((await as(t.http.get('/auth/me'), after)).status).toBe(200);
    expect(await runCli(['user:reset-mfa'], io('', env).io)).toBe(2);
  });

  it('migration:run applies, migration:revert reverts', async () => {
    db = await createTestDatabase(dialect);
    const env = { DATABASE_URL: db.url, NODE_ENV: 'test', DATABASE_MIGRATIONS_RUN: 'false' };
    const show = io('', env);
    expect(await runCli(['migration:show'], show.io)).toBe(0);
    expect(show.out()).toMatch(/pending/);
    const run = io('', env);
    expect(await runCli(['migration:run'], run.io)).toBe(0);
    expect(run.out()).toMatch(/applied CreateUsersAndSessions/);
    const again = io('', env);
    await runCli(['migration:show'], again.io);
    expect(again.out()).toMatch(/up to date/);
    expect(await runCli(['migration:revert'], io('', env).io)).toBe(0);
  });
});

describe('admin CLI flags', () => {
  it('refuses a password in any command-line form, and unknown options, without echoing values', async () => {
    for (const args of [['--password=hunter2hunter2'], ['--password', 'hunter2hunter2'], ['--passwd', 'hunter2hunter2'], ['hunter2hunter2']]) {
      const run = io('', { DATABASE_URL: 'sqlite::memory:', NODE_ENV: 'test' });
      const code = await runCli(['user:create', '--email', 'a@example.com', ...args, '--password-stdin'], run.io);
      expect(code).not.toBe(0);
      expect(run.err()).toMatch(/never pass a password|unknown option|unexpected argument/);
      expect(run.err() + run.out()).not.toContain('hunter2hunter2');
    }
  });
});
