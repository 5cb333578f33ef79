import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { Controller, Get } from '@nestjs/common';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AuthModule, authOptionsFromEnv, CurrentUser, FreshAuth, RequireMfa, type AuthUser } from '../../src/index.js';
import { PASSWORD, as, cookiesFrom, uniqueEmail, updateCookies, type Credential } from '../support/client.js';
import { currentCode, enrolTotp, MINUTE_MS, useClock, type TestClock } from '../support/mfa.js';
import { hostEnv, startBareHost, type BareHost } from '../module/bare-host.js';

/** A host's own routes guarded by the module's step-up decorators. */
@Controller('vault')
class VaultController {
  @RequireMfa() @Get() open(@CurrentUser() user: AuthUser) {
    return { owner: user.id };
  }
  @RequireMfa() @FreshAuth('10m') @Get('fresh') fresh() {
    return { fresh: true };
  }
  @FreshAuth(120_000) @Get('recent') recent() {
    return { recent: true };
  }
}

describe.each(['database', 'jwt'] as const)('@RequireMfa and @FreshAuth on host routes (%s strategy)', (strategy) => {
  let host: BareHost;
  let clock: TestClock;
  beforeAll(async () => {
    const mfaKeyFile = join(mkdtempSync(join(tmpdir(), 'auth-keys-')), 'mfa.json');
    host = await startBareHost(AuthModule.forRoot(authOptionsFromEnv(hostEnv({ AUTH_STRATEGY: strategy, AUTH_MFA_DEV_KEY_FILE: mfaKeyFile }))), {
      controllers: [VaultController],
    });
  });
  afterAll(async () => {
    await host?.close();
  });
  beforeEach(() => {
    clock = useClock(host);
  });
  afterEach(() => {
    clock?.restore();
  });

  /** Registers and signs in with the password alone (the browser flow). */
  async function signIn(): Promise<{ id: string; cred: Credential }> {
    const email = uniqueEmail();
    const registered = await host.http.post('/auth/register').send({ email, password: PASSWORD });
    expect(registered.status).toBe(201);
    const login = await host.http.post('/auth/login').send({ email, password: PASSWORD });
    expect(login.status).toBe(200);
    return { id: registered.body.user.id, cred: { kind: 'cookie', cookies: cookiesFrom(login) } };
  }

  it('@RequireMfa: 403 MFA_REQUIRED for a password-only session; 200 for the same session once it has enrolled', async () => {
    const { id, cred } = await signIn();
    const refused = await as(host.http.get('/vault'), cred);
    expect(refused.status).toBe(403);
    expect(refused.body).toMatchObject({ statusCode: 403, code: 'MFA_REQUIRED' });
    await enrolTotp(host, cred);
    const ok = await as(host.http.get('/vault'), cred);
    expect(ok.status).toBe(200);
    expect(ok.body).toEqual({ owner: id });
  });

  it("@FreshAuth('10m'): 401 REAUTHENTICATION_REQUIRED with the RFC 9470 challenge after 11 minutes; 200 again after POST /auth/reauthenticate", async () => {
    const { cred } = await signIn();
    const { secret } = await enrolTotp(host, cred);
    expect((await as(host.http.get('/vault/fresh'), cred)).status).toBe(200);
    clock.advance(11 * MINUTE_MS);
    const stale = await as(host.http.get('/vault/fresh'), cred);
    expect(stale.status).toBe(401);
    expect(stale.body.code).toBe('REAUTHENTICATION_REQUIRED');
    expect(stale.headers['www-authenticate']).toMatch(/^Bearer /);
    expect(stale.headers['www-authenticate']).toMatch(/error="insufficient_user_authentication"/);
    expect(stale.headers['www-authenticate']).toMatch(/max_age=600(\D|$)/);
    // @RequireMfa alone does not look at the age.
    expect((await as(host.http.get('/vault'), cred)).status).toBe(200);
    const reauth = await as(host.http.post('/auth/reauthenticate'), cred).send({ password: PASSWORD, code: await currentCode(host, secret) });
    expect(reauth.status).toBe(200);
    expect(reauth.body.amr).toEqual(expect.arrayContaining(['pwd', 'otp']));
    expect(Math.abs(Date.parse(reauth.body.authTime) - clock.now())).toBeLessThanOrEqual(1000);
    updateCookies(cred, reauth);
    expect((await as(host.http.get('/vault/fresh'), cred)).status).toBe(200);
  });

  it('@FreshAuth(ms): a number is the maximum age in milliseconds; a user without TOTP reauthenticates with the password', async () => {
    const { cred } = await signIn();
    expect((await as(host.http.get('/vault/recent'), cred)).status).toBe(200);
    clock.advance(3 * MINUTE_MS);
    const stale = await as(host.http.get('/vault/recent'), cred);
    expect(stale.status).toBe(401);
    expect(stale.body.code).toBe('REAUTHENTICATION_REQUIRED');
    expect(stale.headers['www-authenticate']).toMatch(/max_age=120(\D|$)/);
    const reauth = await as(host.http.post('/auth/reauthenticate'), cred).send({ password: PASSWORD });
    expect(reauth.status).toBe(200);
    expect(reauth.body.amr).toEqual(['pwd']);
    updateCookies(cred, reauth);
    expect((await as(host.http.get('/vault/recent'), cred)).status).toBe(200);
  });
});
