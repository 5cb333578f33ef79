import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createHmac, createPublicKey, generateKeyPairSync, randomUUID, sign as cryptoSign, type KeyObject } from 'node:crypto';
import { loginBearer, register } from '../support/client.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

const b64 = (value: object | string) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

/** Builds a JWS by hand, so each test controls exactly one thing that is wrong. */
function jws(header: object, payload: object, key: KeyObject | Buffer | string | null, alg: 'ES256' | 'HS256' | 'none' = 'ES256'): string {
  const input = `${b64(header)}.${b64(payload)}`;
  if (alg === 'none' || key === null) return `${input}.`;
  if (alg === 'HS256') return `${input}.${createHmac('sha256', key as Buffer | string).update(input).digest('base64url')}`;
  const signature = cryptoSign('sha256', Buffer.from(input), { key: key as KeyObject, dsaEncoding: 'ieee-p1363' });
  return `${input}.${signature.toString('base64url')}`;
}

describe('JWT access tokens: hostile input is a 401, never a 500', () => {
  const ours = generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey;
  const attacker = generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey;
  const ISS = 'urn:test:issuer';
  const AUD = 'urn:test:api';
  let t: TestApp;
  let kid: string;
  let valid: string;
  let claims: Record<string, unknown>;

  beforeAll(async () => {
    t = await startTestApp('sqlite', {
      AUTH_STRATEGY: 'jwt',
      AUTH_JWT_KEYS: ours.export({ format: 'pem', type: 'pkcs8' }) as string,
      AUTH_REFRESH_SECRET: 'a-test-refresh-secret-of-at-least-32-chars',
      AUTH_JWT_ISSUER: ISS,
      AUTH_JWT_AUDIENCE: AUD,
    });
    const { email } = await register(t);
    const cred = await loginBearer(t, email);
    valid = (cred as { token: string }).token;
    const [h, p] = valid.split('.');
    kid = JSON.parse(Buffer.from(h, 'base64url').toString()).kid;
    claims = JSON.parse(Buffer.from(p, 'base64url').toString());
  });
  afterAll(async () => {
    await t?.close();
  });

  const me = (token: string) => t.http.get('/auth/me').set('Authorization', `Bearer ${token}`);
  const now = () => Math.floor(Date.now() / 1000);

  it('the baseline: our token, and one we forge with our own key, are accepted', async () => {
    expect((await me(valid)).status).toBe(200);
    const forged = jws({ alg: 'ES256', typ: 'at+jwt', kid }, { ...claims, jti: randomUUID() }, ours);
    expect((await me(forged)).status).toBe(200);
    expect((await t.http.get('/auth/me').set('Cookie', `at=${valid}`)).status).toBe(200);
  });

  it('publishes the public key in the JWKS, never a private parameter', async () => {
    const res = await t.http.get('/.well-known/jwks.json');
    expect(res.status).toBe(200);
    expect(res.body.keys).toHaveLength(1);
    expect(res.body.keys[0]).toMatchObject({ kty: 'EC', crv: 'P-256', kid, alg: 'ES256', use: 'sig' });
    expect(res.body.keys[0].d).toBeUndefined();
    const published = createPublicKey({ key: res.body.keys[0], format: 'jwk' });
    expect(published.export({ format: 'pem', type: 'spki' })).toEqual(createPublicKey(ours).export({ format: 'pem', type: 'spki' }));
  });

  const header = () => ({ alg: 'ES256', typ: 'at+jwt', kid });
  const cases: Array<[string, () => string]> = [
    ['expired', () => jws(header(), { ...claims, iat: now() - 600, exp: now() - 300 }, ours)],
    ['not yet valid (nbf)', () => jws(header(), { ...claims, nbf: now() + 300 }, ours)],
    ['wrong iss', () => jws(header(), { ...claims, iss: 'urn:evil' }, ours)],
    ['wrong aud', () => jws(header(), { ...claims, aud: 'urn:other-api' }, ours)],
    ['typ JWT instead of at+jwt', () => jws({ ...header(), typ: 'JWT' }, claims, ours)],
    ['no typ', () => jws({ alg: 'ES256', kid }, claims, ours)],
    ['missing exp', () => jws(header(), { ...claims, exp: undefined }, ours)],
    ['missing sid', () => jws(header(), { ...claims, sid: undefined }, ours)],
    ['unknown kid', () => jws({ ...header(), kid: 'not-our-key' }, claims, attacker)],
    ['our kid, signed by another key', () => jws(header(), claims, attacker)],
    ['no kid', () => jws({ alg: 'ES256', typ: 'at+jwt' }, claims, ours)],
    ['alg none', () => jws({ alg: 'none', typ: 'at+jwt', kid }, claims, null, 'none')],
    ['HS256 signed with our public key', () => jws({ alg: 'HS256', typ: 'at+jwt', kid }, claims, createPublicKey(ours).export({ format: 'pem', type: 'spki' }) as string, 'HS256')],
    ['own jwk header', () => jws({ ...header(), kid: 'x', jwk: createPublicKey(attacker).export({ format: 'jwk' }) }, claims, attacker)],
    ['own jwk header with our kid', () => jws({ ...header(), jwk: createPublicKey(attacker).export({ format: 'jwk' }) }, claims, attacker)],
    ['jku header', () => jws({ ...header(), jku: 'http://127.0.0.1:1/jwks.json' }, claims, ours)],
    ['tampered payload (roles)', () => {
      const [h, , s] = valid.split('.');
      return `${h}.${b64({ ...claims, roles: ['admin'] })}.${s}`;
    }],
    ['tampered payload (sub)', () => {
      const [h, , s] = valid.split('.');
      return `${h}.${b64({ ...claims, sub: randomUUID() })}.${s}`;
    }],
    ['truncated signature', () => valid.slice(0, -10)],
    ['two segments', () => valid.split('.').slice(0, 2).join('.')],
    ['four segments', () => `${valid}.AAAA`],
    ['header not JSON', () => `${b64('not json')}.${valid.split('.')[1]}.${valid.split('.')[2]}`],
    ['header JSON null', () => `${b64('null')}.${valid.split('.')[1]}.${valid.split('.')[2]}`],
    ['payload not JSON', () => jws(header(), {}, ours).replace(/\.[^.]+\./, `.${b64('[[[')}.`)],
    ['roles not an array', () => jws(header(), { ...claims, roles: 'admin' }, ours)],
    ['over-long token (6 KB)', () => `${valid}${'A'.repeat(6_000)}`],
    ['garbage', () => '...'],
  ];

  it.each(cases)('%s → 401', async (_name, make) => {
    const token = make();
    const bearer = await me(token);
    expect(bearer.status).toBe(401);
    expect(bearer.body.code).toBe('UNAUTHENTICATED');
    const cookie = await t.http.get('/auth/me').set('Cookie', `at=${token}`);
    expect(cookie.status).toBe(401);
  });

  it('a refresh token is never accepted as an access token, nor the reverse', async () => {
    const { email } = await register(t);
    const cred = (await loginBearer(t, email)) as { token: string; refreshToken: string };
    expect((await me(cred.refreshToken)).status).toBe(401);
    const res = await t.http.post('/auth/token').send({ grant_type: 'refresh_token', refresh_token: cred.token });
    expect([400, 401]).toContain(res.status);
  });
});
