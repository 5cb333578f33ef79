import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { as, loginBearer, loginCookie, PASSWORD, register, type Credential } from '../support/client.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

describe.each(['database', 'jwt'] as const)('CSRF, CORS and security headers (%s strategy)', (strategy) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp('sqlite', {
      AUTH_STRATEGY: strategy,
      AUTH_TRUSTED_ORIGINS: 'https://app.example.com',
      CORS_ORIGINS: 'https://app.example.com',
    });
  });
  afterAll(async () => {
    await t?.close();
  });

  const cookieFor = async () => loginCookie(t, (await register(t)).email);
  const me = (cred: Credential) => as(t.http.get('/auth/me'), cred);

  it('refuses a cookie-authenticated unsafe request marked cross-site by Fetch Metadata', async () => {
    const cred = await cookieFor();
    const res = await as(t.http.post('/auth/logout-all'), cred).set('Sec-Fetch-Site', 'cross-site');
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('CSRF_REJECTED');
    expect((await me(cred)).status).toBe(200); // nothing happened
    expect((await as(t.http.post('/auth/logout-all'), cred).set('Sec-Fetch-Site', 'same-origin')).status).toBe(204);
  });

  it('refuses a foreign Origin and Origin: null; accepts our own and the allow-listed one', async () => {
    const cred = await cookieFor();
    for (const origin of ['https://evil.example', 'null', 'https://app.example.com.evil.example']) {
      const res = await as(t.http.post('/auth/password'), cred).set('Origin', origin).send({ currentPassword: PASSWORD, newPassword: 'x'.repeat(12) });
      expect(res.status).toBe(403);
      expect(res.body.code).toBe('CSRF_REJECTED');
    }
    expect((await me(cred)).status).toBe(200);
    const ownOrigin = await as(t.http.post('/auth/logout'), cred).set('Origin', `http://${'127.0.0.1'}`).set('Host', '127.0.0.1');
    expect(ownOrigin.status).toBe(204);
    const other = await cookieFor();
    expect((await as(t.http.post('/auth/logout'), other).set('Origin', 'https://app.example.com')).status).toBe(204);
  });

  it('login CSRF: sign-in itself is refused cross-site', async () => {
    const { email } = await register(t);
    const res = await t.http.post('/auth/login').set('Origin', 'https://evil.example').send({ email, password: PASSWORD });
    expect(res.status).toBe(403);
    expect(res.headers['set-cookie']).toBeUndefined();
    expect((await t.http.post('/auth/login').set('Sec-Fetch-Site', 'cross-site').send({ email, password: PASSWORD })).status).toBe(403);
  });

  it('refuses form and text/plain bodies with 415 (they need no preflight), writing nothing', async () => {
    const { email } = await register(t);
    const form = await t.http.post('/auth/login').type('form').send(`email=${encodeURIComponent(email)}&password=${encodeURIComponent(PASSWORD)}`);
    expect(form.status).toBe(415);
    expect(form.body.code).toBe('UNSUPPORTED_MEDIA_TYPE');
    const text = await t.http.post('/auth/register').set('Content-Type', 'text/plain').send(JSON.stringify({ email: 'plain@example.com', password: PASSWORD }));
    expect(text.status).toBe(415);
    expect((await t.http.post('/auth/login').send({ email: 'plain@example.com', password: PASSWORD })).status).toBe(401);
  });

  it('bearer-authenticated requests are not subject to the origin checks', async () => {
    const cred = await loginBearer(t, (await register(t)).email);
    const res = await as(t.http.post('/auth/logout-all'), cred).set('Origin', 'https://evil.example').set('Sec-Fetch-Site', 'cross-site');
    expect(res.status).toBe(204);
  });

  it('no state changes on GET', async () => {
    const cred = await cookieFor();
    for (const path of ['/auth/logout', '/auth/logout-all', '/auth/refresh', '/auth/password']) {
      expect((await as(t.http.get(path), cred)).status).toBe(404);
    }
    expect((await me(cred)).status).toBe(200);
  });

  it('CORS echoes only allow-listed origins, with credentials, never *', async () => {
    const ok = await t.http.options('/auth/me').set('Origin', 'https://app.example.com').set('Access-Control-Request-Method', 'GET');
    expect(ok.headers['access-control-allow-origin']).toBe('https://app.example.com');
    expect(ok.headers['access-control-allow-credentials']).toBe('true');
    const evil = await t.http.options('/auth/me').set('Origin', 'https://evil.example').set('Access-Control-Request-Method', 'GET');
    expect(evil.headers['access-control-allow-origin']).toBeUndefined();
    const simple = await t.http.get('/').set('Origin', 'https://evil.example');
    expect(simple.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('sends security headers, no X-Powered-By, no-store on auth responses, Clear-Site-Data on logout', async () => {
    const res = await t.http.get('/');
    expect(res.headers['x-powered-by']).toBeUndefined();
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['strict-transport-security']).toMatch(/max-age=/);
    expect(res.headers['content-security-policy']).toMatch(/default-src 'self'/);
    expect(res.headers['x-frame-options']).toBe('SAMEORIGIN');
    const cred = await cookieFor();
    expect((await me(cred)).headers['cache-control']).toBe('no-store');
    const logout = await as(t.http.post('/auth/logout'), cred);
    expect(logout.headers['clear-site-data']).toBe('"cookies"');
  });
});

describe('CORS is off by default', () => {
  it('answers no CORS headers at all', async () => {
    const t = await startTestApp('sqlite', {});
    try {
      const res = await t.http.options('/auth/me').set('Origin', 'https://app.example.com').set('Access-Control-Request-Method', 'GET');
      expect(res.headers['access-control-allow-origin']).toBeUndefined();
    } finally {
      await t.close();
    }
  });
});
