import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { as, createAdmin, loginBearer, loginCookie, PASSWORD, register } from '../support/client.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

/** Sends raw headers, beyond what supertest allows; resolves with the status, or 'closed'. */
function raw(t: TestApp, path: string, headers: Record<string, string>): Promise<number | 'closed'> {
  const server = t.app.getHttpServer();
  if (!server.listening) server.listen(0);
  const { port } = server.address() as AddressInfo;
  return new Promise((resolve) => {
    const req = httpRequest({ host: '127.0.0.1', port, path, headers }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', () => resolve('closed'));
    req.setTimeout(5000, () => req.destroy());
    req.end();
  });
}

describe.each(['database', 'jwt'] as const)('hostile tokens and input (%s strategy)', (strategy) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp('sqlite', { AUTH_STRATEGY: strategy });
  });
  afterAll(async () => {
    t.app.getHttpServer().close();
    await t?.close();
  });

  it('a token in the query string or the path is never read', async () => {
    const { email } = await register(t);
    const token = ((await loginBearer(t, email)) as { token: string }).token;
    for (const path of [`/auth/me?sid=${token}`, `/auth/me?access_token=${token}`, `/auth/me;sid=${token}`]) {
      const res = await t.http.get(path);
      expect([401, 404]).toContain(res.status);
    }
  });

  it('oversized cookies and headers (20 KB) get 431 or 400, never 500, never a hang', async () => {
    for (const headers of <Array<Record<string, string>>>[{ Cookie: `sid=${'A'.repeat(20_000)}` }, { Authorization: `Bearer ${'A'.repeat(20_000)}` }, { 'X-Junk': 'x'.repeat(20_000) }]) {
      const status = await raw(t, '/auth/me', headers);
      expect([400, 431, 'closed']).toContain(status);
    }
    const big = await t.http.get('/auth/me').set('Cookie', `sid=${'A'.repeat(4_000)}; at=${'B'.repeat(4_000)}`);
    expect(big.status).toBe(401);
  });

  it('bodies: wrong types, unknown and nested fields, prototype keys, over-long strings → 400 naming the field; nothing written', async () => {
    const before = (await t.users.list(1, 0)).total;
    let nested: unknown = 'deep';
    for (let i = 0; i < 200; i++) nested = { a: nested };
    const cases: Array<[object | string, string]> = [
      [{ email: nested, password: PASSWORD }, 'email'],
      [{ email: 'a@example.com', password: PASSWORD, name: nested }, 'name'],
      [{ email: 'a@example.com', password: PASSWORD, name: 'n'.repeat(101) }, 'name'],
      [{ email: `${'a'.repeat(250)}@example.com`, password: PASSWORD }, 'email'],
      [{ email: 'a@example.com', password: true }, 'password'],
      [{ email: 'a@example.com', password: PASSWORD, extra: { deep: nested } }, 'extra'],
      ['{"email":"a@example.com","password":"correct horse battery staple","__proto__":{"admin":true}}', '__proto__'],
      ['{"email":"a@example.com","password":"correct horse battery staple","constructor":{"prototype":{"x":1}}}', 'constructor'],
    ];
    for (const [body, field] of cases) {
      const res = await t.http.post('/auth/register').set('Content-Type', 'application/json').send(typeof body === 'string' ? body : JSON.stringify(body));
      expect(res.status).toBe(400);
      expect(res.body.details.map((d: { field: string }) => d.field)).toContain(field);
    }
    expect(({} as Record<string, unknown>).admin).toBeUndefined();
    expect((await t.users.list(1, 0)).total).toBe(before);
    const arrays = await t.http.post('/auth/login').set('Content-Type', 'application/json').send(`[${'['.repeat(5000)}${']'.repeat(5000)}]`);
    expect(arrays.status).toBe(400);
    const huge = await t.http.post('/auth/login').send({ email: 'a@example.com', password: 'x'.repeat(50_000) });
    expect(huge.status).toBe(413);
  });

  it('admin bodies: roles must be a short list of well-formed names', async () => {
    const admin = await loginCookie(t, (await createAdmin(t)).email);
    const { id } = await register(t);
    for (const roles of [[{}], ['x'.repeat(65)], Array.from({ length: 33 }, (_, i) => `r${i}`), ['admin', 'admin'], null]) {
      const res = await as(t.http.patch(`/users/${id}/roles`), admin).send({ roles });
      expect(res.status).toBe(400);
      expect(res.body.details[0].field).toMatch(/^roles/);
    }
    expect((await t.users.getById(id)).roles).toEqual([]);
  });
});
