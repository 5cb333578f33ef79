import { afterAll, describe, expect, it } from '@jest/globals';
import { createRemoteJWKSet, jwtVerify, SignJWT } from 'jose';
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { loginBearer, register } from '../support/client.js';
import { createTestDatabase, type TestDatabase } from '../support/databases.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { freePort } from '../cluster/instances.js';

const pem = (key: KeyObject) => key.export({ format: 'pem', type: 'pkcs8' }) as string;
const REFRESH_SECRET = 'a-test-refresh-secret-of-at-least-32-chars';

/**
 * Another service verifying our access tokens the standard way: jose's remote JWK Set from
 * /.well-known/jwks.json, with no secret shared. The new key is published (verify-only) one
 * deployment before it signs, so the verifier already holds it when the first token arrives.
 */
describe('a separate verifier built on jose accepts our access tokens, across a key rotation', () => {
  let db: TestDatabase;
  let t: TestApp | undefined;
  afterAll(async () => {
    await t?.close();
    await db?.drop();
  });

  it('verifies with the published keys only, before, during and after the rotation', async () => {
    db = await createTestDatabase('sqlite');
    const port = await freePort();
    const start = async (keys: KeyObject[]) => {
      await t?.close();
      t = await startTestApp('sqlite', { AUTH_STRATEGY: 'jwt', AUTH_JWT_KEYS: keys.map(pem).join('\n'), AUTH_REFRESH_SECRET: REFRESH_SECRET }, db);
      await t.app.listen(port, '127.0.0.1');
      return t;
    };
    const oldKey = generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey;
    const newKey = generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey;
    const jwks = createRemoteJWKSet(new URL(`http://127.0.0.1:${port}/.well-known/jwks.json`), { cacheMaxAge: Infinity, cooldownDuration: 0 });
    const verify = (token: string) => jwtVerify(token, jwks, { issuer: 'urn:auth-service', audience: 'urn:auth-service:api', typ: 'at+jwt', algorithms: ['ES256'] });

    let app = await start([oldKey]);
    const { id, email } = await register(app);
    const before = (await loginBearer(app, email)) as { token: string };
    expect((await verify(before.token)).payload).toMatchObject({ sub: id, iss: 'urn:auth-service' });

    // Deployment 1: the new key is published; the old one still signs.
    app = await start([oldKey, newKey]);
    await jwks.reload();
    const during = (await loginBearer(app, email)) as { token: string };
    expect((await verify(during.token)).payload.sub).toBe(id);

    // Deployment 2: the new key signs. The verifier already holds it: it verifies even with our service gone.
    app = await start([newKey, oldKey]);
    const after = (await loginBearer(app, email)) as { token: string };
    await app.close();
    t = undefined;
    const { payload, protectedHeader } = await verify(after.token);
    expect(payload.sub).toBe(id);
    expect(protectedHeader.kid).not.toBe(JSON.parse(Buffer.from(before.token.split('.')[0], 'base64url').toString()).kid);
    expect((await verify(before.token)).payload.sub).toBe(id); // the old key still verifies until it is removed

    // A token signed by any other key is refused, even one claiming our current kid.
    await start([newKey, oldKey]);
    const foreign = generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey;
    const forged = await new SignJWT({ ...payload, roles: ['admin'] })
      .setProtectedHeader({ alg: 'ES256', typ: 'at+jwt', kid: protectedHeader.kid })
      .sign(foreign);
    await expect(verify(forged)).rejects.toThrow(/signature/);
  });
});
