import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { as, createAdmin, loginCookie, PASSWORD, register, uniqueEmail, type Credential } from '../support/client.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

describe('common and guessable passwords are refused wherever a password is set', () => {
  let t: TestApp;
  let admin: Credential;
  beforeAll(async () => {
    t = await startTestApp('sqlite', {});
    admin = await loginCookie(t, (await createAdmin(t)).email);
  });
  afterAll(async () => {
    await t?.close();
  });

  const weak = ['password', '12345678', 'aaaaaaaa', 'qwertyuiop', 'iloveyou1', 'abcdefgh'];

  it('registration: a clear 400 naming the field and the rule', async () => {
    for (const password of weak) {
      const res = await t.http.post('/auth/register').send({ email: uniqueEmail(), password });
      expect({ password, status: res.status }).toEqual({ password, status: 400 });
      expect(res.body).toMatchObject({ code: 'WEAK_PASSWORD', details: [{ field: 'password' }] });
      expect(res.body.details[0].errors[0]).toMatch(/too common or too easy to guess/);
    }
    expect((await t.http.post('/auth/register').send({ email: uniqueEmail(), password: PASSWORD })).status).toBe(201);
  });

  it('the email local part counts against a password built on it', async () => {
    const stem = `zorbafetch${Date.now() % 1000}`;
    const res = await t.http.post('/auth/register').send({ email: `${stem}@example.com`, password: `${stem}1` });
    expect(res.status).toBe(400);
    expect(res.body.details[0].field).toBe('password');
    // The same password on an unrelated address is acceptable.
    expect((await t.http.post('/auth/register').send({ email: uniqueEmail(), password: `${stem}1` })).status).toBe(201);
  });

  it('change and admin reset apply the same rule; nothing is written', async () => {
    const { id, email } = await register(t);
    const cred = await loginCookie(t, email);
    const change = await as(t.http.post('/auth/password'), cred).send({ currentPassword: PASSWORD, newPassword: 'password1' });
    expect(change.status).toBe(400);
    expect(change.body).toMatchObject({ code: 'WEAK_PASSWORD', details: [{ field: 'newPassword' }] });
    const reset = await as(t.http.post(`/users/${id}/password`), admin).send({ password: '11111111' });
    expect(reset.status).toBe(400);
    expect(reset.body.details[0].field).toBe('password');
    expect((await t.http.post('/auth/login').send({ email, password: PASSWORD })).status).toBe(200);
    expect((await as(t.http.get('/auth/me'), cred)).status).toBe(200);
  });
});
