import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ConsoleLogger } from '@nestjs/common';
import { as, createAdmin, loginBearer, loginCookie, PASSWORD, register, sleep } from '../support/client.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

/** Keeps every log call instead of printing it. */
class CapturingLogger extends ConsoleLogger {
  readonly entries: Array<{ level: string; message: unknown }> = [];
  override log(message: unknown) {
    this.entries.push({ level: 'log', message });
  }
  override warn(message: unknown) {
    this.entries.push({ level: 'warn', message });
  }
  override error(message: unknown) {
    this.entries.push({ level: 'error', message });
  }
  override debug(message: unknown) {
    this.entries.push({ level: 'debug', message });
  }
  override verbose(message: unknown) {
    this.entries.push({ level: 'verbose', message });
  }
  events(name: string): Array<Record<string, unknown>> {
    return this.entries.map((e) => e.message as Record<string, unknown>).filter((m) => typeof m === 'object' && m !== null && m.event === name);
  }
}

describe('audit events: structured, with user, session, address and reason, never a secret', () => {
  const logger = new CapturingLogger();
  let t: TestApp;
  const secrets: string[] = [];
  beforeAll(async () => {
    t = await startTestApp('sqlite', { AUTH_STRATEGY: 'jwt', AUTH_REFRESH_GRACE: '0s' }, undefined, logger);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('logs each security event once, and nothing that could sign anyone in', async () => {
    const { id, email } = await register(t);
    secrets.push(PASSWORD, 'wrong password guess');
    await t.http.post('/auth/login').send({ email, password: 'wrong password guess' });
    const cookie = await loginCookie(t, email);
    secrets.push(...(cookie as { cookies: string[] }).cookies.map((c) => c.slice(c.indexOf('=') + 1)));
    const bearer = (await loginBearer(t, email)) as { token: string; refreshToken: string };
    secrets.push(bearer.token, bearer.refreshToken);
    const rotated = await t.http.post('/auth/token').send({ grant_type: 'refresh_token', refresh_token: bearer.refreshToken });
    secrets.push(rotated.body.refresh_token, rotated.body.access_token);
    await sleep(20);
    await t.http.post('/auth/token').send({ grant_type: 'refresh_token', refresh_token: bearer.refreshToken }); // replay
    const admin = await loginCookie(t, (await createAdmin(t)).email);
    await as(t.http.patch(`/users/${id}/roles`), admin).send({ roles: ['auditor'] });
    await as(t.http.post('/auth/password'), cookie).send({ currentPassword: PASSWORD, newPassword: 'a new long password' });
    secrets.push('a new long password');
    await as(t.http.post(`/users/${id}/suspend`), admin);

    expect(logger.events('auth.login_failed')[0]).toMatchObject({ ip: expect.any(String), reason: 'invalid_credentials' });
    expect(logger.events('auth.login').find((e) => e.userId === id)).toMatchObject({ sessionId: expect.any(String), ip: expect.any(String) });
    expect(logger.events('auth.refresh_reuse_detected')[0]).toMatchObject({ userId: id, sessionId: expect.any(String), ip: expect.any(String) });
    expect(logger.events('session.revoked').find((e) => e.reason === 'refresh_reuse')).toMatchObject({ userId: id });
    expect(logger.events('user.roles_changed')[0]).toMatchObject({ userId: id, to: ['auditor'] });
    expect(logger.events('user.password_changed')[0]).toMatchObject({ userId: id });
    expect(logger.events('user.suspended')[0]).toMatchObject({ userId: id });
    expect(logger.events('session.revoked_all').map((e) => e.reason)).toEqual(expect.arrayContaining(['password_changed', 'suspended']));

    const dump = JSON.stringify(logger.entries);
    for (const secret of secrets) expect(dump).not.toContain(secret);
    expect(dump).not.toMatch(/\$argon2id\$/);
  });
});
