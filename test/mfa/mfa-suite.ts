import { beforeAll, describe, expect, it } from '@jest/globals';
import type { Response } from 'supertest';
import type { Env } from '../../config/index.js';
import { PASSWORD, as, cookieFrom, cookiesFrom, createAdmin, loginBearer, loginCookie, register, updateCookies, type Credential } from '../support/client.js';
import type { Dialect } from '../support/databases.js';
import {
  MINUTE_MS,
  SESSION_COOKIE,
  base32Decode,
  beginLogin,
  beginToken,
  currentCode,
  dumpDatabase,
  enrolTotp,
  loginTwoStep,
  me,
  tokenTwoStep,
  verifyMfa,
  withFrozenClock,
  wrongCode,
  type TestClock,
} from '../support/mfa.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

export interface MfaTarget {
  strategy: 'database' | 'jwt';
  dialect: Dialect;
}

/** Crockford base32, lower case (no i, l, o, u), four groups of four. */
const RECOVERY_CODE = /^[0-9a-hjkmnp-tv-z]{4}-[0-9a-hjkmnp-tv-z]{4}-[0-9a-hjkmnp-tv-z]{4}-[0-9a-hjkmnp-tv-z]{4}$/;

interface Ctx {
  t: TestApp;
  clock: TestClock;
}

interface EnrolledUser {
  id: string;
  email: string;
  /** The cookie session that enrolled (password + the confirmation's code). */
  cred: Credential;
  secret: string;
  recoveryCodes: string[];
}

/** One app for a describe block; its injected clock is frozen around each test. */
function withApp(dialect: Dialect, env: Env): Ctx {
  return withFrozenClock(() => startTestApp(dialect, env));
}

/**
 * A user (or an admin) signed in with the browser flow and enrolled; the clock is then moved to the
 * next 30 s step, so the code for "now" has not been used yet.
 */
async function enrolledUser({ t, clock }: Ctx, admin = false): Promise<EnrolledUser> {
  const { id, email } = admin ? await createAdmin(t) : await register(t);
  const cred = await loginCookie(t, email);
  const { secret, recoveryCodes } = await enrolTotp(t, cred);
  clock.nextStep();
  return { id, email, cred, secret, recoveryCodes };
}

const sessionCookies = (res: Response) => cookiesFrom(res).filter((c) => SESSION_COOKIE.test(c));

/** An ISO instant at `ms` (to the second: JWT auth_time has no milliseconds). */
function expectInstant(iso: unknown, ms: number): void {
  expect(typeof iso).toBe('string');
  expect(Math.abs(Date.parse(iso as string) - ms)).toBeLessThanOrEqual(1000);
}

function expectError(res: Response, status: number, code: string): void {
  expect({ status: res.status, code: res.body.code }).toEqual({ status, code });
}

/**
 * The second factor (TOTP) over HTTP, written once and run for every strategy × database combination.
 * Time moves through the injected Clock only; nothing sleeps.
 */
export function runMfaSuite(target: MfaTarget): void {
  const env: Env = { AUTH_STRATEGY: target.strategy };
  const where = `${target.strategy} strategy on ${target.dialect}`;

  describe(`mfa: ${where}`, () => {
    const ctx = withApp(target.dialect, env);
    let admin: Credential;
    beforeAll(async () => {
      admin = await loginCookie(ctx.t, (await createAdmin(ctx.t)).email);
    });

    describe('enrolment', () => {
      it('answers a base32 secret and an otpauth URL; the code computed from the secret confirms; ten distinct recovery codes', async () => {
        const { t } = ctx;
        const { email } = await register(t);
        const cred = await loginCookie(t, email);
        expect((await as(t.http.get('/auth/mfa'), cred)).body).toEqual({ enabled: false, recoveryCodesRemaining: 0 });
        const start = await as(t.http.post('/auth/mfa/totp'), cred).send({ password: PASSWORD });
        expect(start.status).toBe(200);
        const { secret, otpauthUrl } = start.body as { secret: string; otpauthUrl: string };
        expect(secret).toMatch(/^[A-Z2-7]{26,}=*$/i);
        expect(otpauthUrl).toMatch(/^otpauth:\/\/totp\//);
        const url = new URL(otpauthUrl);
        expect(url.searchParams.get('secret')?.replace(/=+$/, '')).toBe(secret.replace(/=+$/, ''));
        expect(url.searchParams.get('issuer')).toBe('nest-auth');
        for (const [name, value] of [['algorithm', 'SHA1'], ['digits', '6'], ['period', '30']]) {
          if (url.searchParams.has(name)) expect(url.searchParams.get(name)!.toUpperCase()).toBe(value);
        }
        // Started but not confirmed: sign-in is still one step.
        expect((await t.http.post('/auth/login').send({ email, password: PASSWORD })).body.mfaRequired).toBeUndefined();
        const confirm = await as(t.http.post('/auth/mfa/totp/confirm'), cred).send({ code: await currentCode(t, secret) });
        expect(confirm.status).toBe(200);
        const codes = confirm.body.recoveryCodes as string[];
        expect(codes).toHaveLength(10);
        expect(new Set(codes).size).toBe(10);
        for (const code of codes) expect(code).toMatch(RECOVERY_CODE);
        updateCookies(cred, confirm);
        expect((await as(t.http.get('/auth/mfa'), cred)).body).toEqual({ enabled: true, recoveryCodesRemaining: 10 });
      });

      it('refuses a wrong password (403), a confirmation with nothing pending (409) and a wrong code (400 naming code)', async () => {
        const { t } = ctx;
        const cred = await loginCookie(t, (await register(t)).email);
        expectError(await as(t.http.post('/auth/mfa/totp'), cred).send({ password: 'not the password' }), 403, 'CURRENT_PASSWORD_INVALID');
        expectError(await as(t.http.post('/auth/mfa/totp/confirm'), cred).send({ code: '123456' }), 409, 'MFA_NOT_PENDING');
        const { secret } = (await as(t.http.post('/auth/mfa/totp'), cred).send({ password: PASSWORD })).body;
        const wrong = await as(t.http.post('/auth/mfa/totp/confirm'), cred).send({ code: await wrongCode(t, secret) });
        expectError(wrong, 400, 'INVALID_MFA_CODE');
        expect(wrong.body.details.map((d: { field: string }) => d.field)).toContain('code');
        expect((await as(t.http.get('/auth/mfa'), cred)).body.enabled).toBe(false);
      });

      it('a second start replaces the pending secret; once enabled, starting again is 409 MFA_ALREADY_ENABLED', async () => {
        const { t } = ctx;
        const cred = await loginCookie(t, (await register(t)).email);
        const first = (await as(t.http.post('/auth/mfa/totp'), cred).send({ password: PASSWORD })).body.secret as string;
        const second = (await as(t.http.post('/auth/mfa/totp'), cred).send({ password: PASSWORD })).body.secret as string;
        expect(second).not.toBe(first);
        expectError(await as(t.http.post('/auth/mfa/totp/confirm'), cred).send({ code: await currentCode(t, first) }), 400, 'INVALID_MFA_CODE');
        const confirm = await as(t.http.post('/auth/mfa/totp/confirm'), cred).send({ code: await currentCode(t, second) });
        expect(confirm.status).toBe(200);
        updateCookies(cred, confirm);
        expectError(await as(t.http.post('/auth/mfa/totp'), cred).send({ password: PASSWORD }), 409, 'MFA_ALREADY_ENABLED');
      });

      it('confirming ends the other sessions; the enrolling one continues with amr [pwd, otp] and a new authTime', async () => {
        const { t, clock } = ctx;
        const { email } = await register(t);
        const here = await loginCookie(t, email);
        const others = [await loginCookie(t, email), await loginBearer(t, email)];
        const before = await me(t, here);
        expect(before.body.amr).toEqual(['pwd']);
        expectInstant(before.body.authTime, clock.now());
        clock.advance(2 * MINUTE_MS);
        const { confirm } = await enrolTotp(t, here);
        if (target.strategy === 'jwt') expect(cookieFrom(confirm, 'at')).toBeDefined();
        for (const cred of others) expect((await me(t, cred)).status).toBe(401);
        const after = await me(t, here);
        expect(after.status).toBe(200);
        expect(after.body.sessionId).toBe(before.body.sessionId);
        expect(after.body.amr).toEqual(['pwd', 'otp']);
        expectInstant(after.body.authTime, clock.now());
      });
    });

    describe('two-step sign-in', () => {
      it('cookie: login answers mfaRequired and a token, no session cookie; verify signs in with amr [pwd, otp]', async () => {
        const { t } = ctx;
        const u = await enrolledUser(ctx);
        const login = await t.http.post('/auth/login').send({ email: u.email, password: PASSWORD });
        expect(login.status).toBe(200);
        expect(login.body).toEqual({ mfaRequired: true, mfaToken: expect.any(String) });
        expect(sessionCookies(login)).toEqual([]);
        expect((await t.http.get('/auth/me').set('Authorization', `Bearer ${login.body.mfaToken}`)).status).toBe(401);
        const res = await verifyMfa(t, login.body.mfaToken, { code: await currentCode(t, u.secret) });
        expect(res.status).toBe(200);
        expect(res.body.user).toMatchObject({ id: u.id, email: u.email });
        expect(sessionCookies(res).length).toBeGreaterThan(0);
        const who = await me(t, { kind: 'cookie', cookies: cookiesFrom(res) });
        expect(who.status).toBe(200);
        expect(who.body).toMatchObject({ user: { id: u.id }, transport: 'cookie', amr: ['pwd', 'otp'] });
      });

      it('token endpoint: 403 mfa_required with an mfa_token and no access token; the mfa_otp grant issues a working bearer token', async () => {
        const { t } = ctx;
        const u = await enrolledUser(ctx);
        const first = await t.http.post('/auth/token').send({ grant_type: 'password', email: u.email, password: PASSWORD });
        expect(first.status).toBe(403);
        expect(first.body).toMatchObject({ statusCode: 403, error: 'mfa_required', code: 'MFA_REQUIRED', message: expect.any(String), mfa_token: expect.any(String) });
        expect(first.body.access_token).toBeUndefined();
        expect(first.body.refresh_token).toBeUndefined();
        const res = await t.http.post('/auth/token').send({ grant_type: 'mfa_otp', mfa_token: first.body.mfa_token, otp: await currentCode(t, u.secret) });
        expect(res.status).toBe(200);
        expect(res.body).toMatchObject({ access_token: expect.any(String), token_type: 'Bearer' });
        expect(res.body.expires_in).toBeGreaterThan(0);
        const who = await me(t, { kind: 'bearer', token: res.body.access_token });
        expect(who.status).toBe(200);
        expect(who.body).toMatchObject({ user: { id: u.id }, transport: 'bearer', amr: ['pwd', 'otp'] });
      });

      it('the mfa_otp grant answers 400 INVALID_GRANT for a wrong code and for an already used token', async () => {
        const { t, clock } = ctx;
        const u = await enrolledUser(ctx);
        const mfaToken = await beginToken(t, u.email);
        const wrong = await t.http.post('/auth/token').send({ grant_type: 'mfa_otp', mfa_token: mfaToken, otp: await wrongCode(t, u.secret) });
        expectError(wrong, 400, 'INVALID_GRANT');
        expect(wrong.body.access_token).toBeUndefined();
        expect((await t.http.post('/auth/token').send({ grant_type: 'mfa_otp', mfa_token: mfaToken, otp: await currentCode(t, u.secret) })).status).toBe(200);
        clock.nextStep();
        const reused = await t.http.post('/auth/token').send({ grant_type: 'mfa_otp', mfa_token: mfaToken, otp: await currentCode(t, u.secret) });
        expectError(reused, 400, 'INVALID_GRANT');
        expect(reused.body.access_token).toBeUndefined();
      });

      it('a wrong password looks the same for a user with TOTP as for one without', async () => {
        const { t } = ctx;
        const withTotp = await enrolledUser(ctx);
        const without = await register(t);
        const a = await t.http.post('/auth/login').send({ email: withTotp.email, password: 'not the password' });
        const b = await t.http.post('/auth/login').send({ email: without.email, password: 'not the password' });
        expectError(a, 401, 'INVALID_CREDENTIALS');
        expect(a.status).toBe(b.status);
        expect(a.body).toEqual(b.body);
        expect(a.headers['www-authenticate']).toEqual(b.headers['www-authenticate']);
        const ta = await t.http.post('/auth/token').send({ grant_type: 'password', email: withTotp.email, password: 'not the password' });
        const tb = await t.http.post('/auth/token').send({ grant_type: 'password', email: without.email, password: 'not the password' });
        expectError(ta, 400, 'INVALID_GRANT');
        expect(ta.status).toBe(tb.status);
        expect(ta.body).toEqual(tb.body);
      });

      it('a TOTP code is accepted once: the same code again, within its 30 s step, is refused', async () => {
        const { t, clock } = ctx;
        const u = await enrolledUser(ctx);
        const code = await currentCode(t, u.secret);
        expect((await verifyMfa(t, await beginLogin(t, u.email), { code })).status).toBe(200);
        expectError(await verifyMfa(t, await beginLogin(t, u.email), { code }), 401, 'INVALID_MFA_CODE');
        expectError(await t.http.post('/auth/token').send({ grant_type: 'mfa_otp', mfa_token: await beginToken(t, u.email), otp: code }), 400, 'INVALID_GRANT');
        clock.nextStep();
        expect((await verifyMfa(t, await beginLogin(t, u.email), { code: await currentCode(t, u.secret) })).status).toBe(200);
      });

      it('a recovery code signs in once, with amr recovery, at /auth/mfa/verify and through the mfa_otp grant', async () => {
        const { t } = ctx;
        const u = await enrolledUser(ctx);
        const [first, second] = u.recoveryCodes;
        const cred = await loginTwoStep(t, u.email, { recoveryCode: first });
        const who = await me(t, cred);
        expect(who.status).toBe(200);
        expect(who.body.amr).toEqual(expect.arrayContaining(['pwd', 'recovery']));
        expectError(await verifyMfa(t, await beginLogin(t, u.email), { recoveryCode: first }), 401, 'INVALID_MFA_CODE');
        const grant = await t.http.post('/auth/token').send({ grant_type: 'mfa_otp', mfa_token: await beginToken(t, u.email), recovery_code: second });
        expect(grant.status).toBe(200);
        expect((await me(t, { kind: 'bearer', token: grant.body.access_token })).body.amr).toContain('recovery');
        expectError(await t.http.post('/auth/token').send({ grant_type: 'mfa_otp', mfa_token: await beginToken(t, u.email), recovery_code: second }), 400, 'INVALID_GRANT');
        expect((await as(t.http.get('/auth/mfa'), cred)).body).toEqual({ enabled: true, recoveryCodesRemaining: 8 });
      });

      it('new recovery codes (with a TOTP code) replace the old set', async () => {
        const { t } = ctx;
        const u = await enrolledUser(ctx);
        expectError(await as(t.http.post('/auth/mfa/recovery-codes'), u.cred).send({ code: await wrongCode(t, u.secret) }), 400, 'INVALID_MFA_CODE');
        const res = await as(t.http.post('/auth/mfa/recovery-codes'), u.cred).send({ code: await currentCode(t, u.secret) });
        expect(res.status).toBe(200);
        const fresh = res.body.recoveryCodes as string[];
        expect(new Set(fresh).size).toBe(10);
        for (const code of fresh) {
          expect(code).toMatch(RECOVERY_CODE);
          expect(u.recoveryCodes).not.toContain(code);
        }
        expectError(await verifyMfa(t, await beginLogin(t, u.email), { recoveryCode: u.recoveryCodes[0] }), 401, 'INVALID_MFA_CODE');
        expect((await verifyMfa(t, await beginLogin(t, u.email), { recoveryCode: fresh[0] })).status).toBe(200);
      });
    });

    describe('the pending sign-in', () => {
      it('expires 5 minutes after the password step (by the injected clock)', async () => {
        const { t, clock } = ctx;
        const u = await enrolledUser(ctx);
        const early = await beginLogin(t, u.email);
        const late = await beginLogin(t, u.email);
        clock.advance(4 * MINUTE_MS);
        expect((await verifyMfa(t, early, { code: await currentCode(t, u.secret) })).status).toBe(200);
        clock.advance(MINUTE_MS + 1000); // 5 min 1 s after the password step, a new 30 s step
        expectError(await verifyMfa(t, late, { code: await currentCode(t, u.secret) }), 401, 'INVALID_MFA_TOKEN');
      });

      it('is single use', async () => {
        const { t, clock } = ctx;
        const u = await enrolledUser(ctx);
        const mfaToken = await beginLogin(t, u.email);
        expect((await verifyMfa(t, mfaToken, { code: await currentCode(t, u.secret) })).status).toBe(200);
        clock.nextStep();
        expectError(await verifyMfa(t, mfaToken, { code: await currentCode(t, u.secret) }), 401, 'INVALID_MFA_TOKEN');
        expectError(await verifyMfa(t, mfaToken, { recoveryCode: u.recoveryCodes[0] }), 401, 'INVALID_MFA_TOKEN');
      });

      it('dies after five wrong codes: then even the right code is refused (a new sign-in still works)', async () => {
        const { t, clock } = ctx;
        const u = await enrolledUser(ctx);
        const mfaToken = await beginLogin(t, u.email);
        const wrong = await wrongCode(t, u.secret);
        for (let i = 0; i < 5; i++) expectError(await verifyMfa(t, mfaToken, { code: wrong }), 401, 'INVALID_MFA_CODE');
        expectError(await verifyMfa(t, mfaToken, { code: await currentCode(t, u.secret) }), 401, 'INVALID_MFA_TOKEN');
        clock.nextStep();
        expect((await verifyMfa(t, await beginLogin(t, u.email), { code: await currentCode(t, u.secret) })).status).toBe(200);
      });
    });

    describe('turning it off', () => {
      it('needs the password and a code; then other sessions are gone and sign-in is one step again', async () => {
        const { t, clock } = ctx;
        const u = await enrolledUser(ctx);
        const other = await loginTwoStep(t, u.email, await currentCode(t, u.secret));
        clock.nextStep();
        const off = (body: object) => as(t.http.delete('/auth/mfa/totp'), u.cred).send(body);
        expectError(await off({ password: 'not the password', code: await currentCode(t, u.secret) }), 403, 'CURRENT_PASSWORD_INVALID');
        clock.nextStep();
        expectError(await off({ password: PASSWORD, code: await wrongCode(t, u.secret) }), 400, 'INVALID_MFA_CODE');
        expect((await off({ password: PASSWORD, code: await currentCode(t, u.secret) })).status).toBe(204);
        expect((await me(t, other)).status).toBe(401);
        expect((await me(t, u.cred)).status).toBe(200);
        expect((await as(t.http.get('/auth/mfa'), u.cred)).body).toEqual({ enabled: false, recoveryCodesRemaining: 0 });
        const login = await t.http.post('/auth/login').send({ email: u.email, password: PASSWORD });
        expect(login.status).toBe(200);
        expect(login.body.mfaRequired).toBeUndefined();
        expect(login.body.user).toMatchObject({ id: u.id });
        expect((await me(t, { kind: 'cookie', cookies: cookiesFrom(login) })).body.amr).toEqual(['pwd']);
        clock.nextStep();
        expectError(await off({ password: PASSWORD, code: await currentCode(t, u.secret) }), 409, 'MFA_NOT_ENABLED');
      });

      it("an admin removes a user's second factor: all their sessions end, and they sign in with the password alone", async () => {
        const { t } = ctx;
        const u = await enrolledUser(ctx);
        const bearer = await tokenTwoStep(t, u.email, await currentCode(t, u.secret));
        expect((await me(t, bearer)).status).toBe(200);
        expectError(await as(t.http.delete(`/users/${u.id}/mfa`), u.cred), 403, 'FORBIDDEN');
        expect((await as(t.http.delete(`/users/${u.id}/mfa`), admin)).status).toBe(204);
        expect((await me(t, u.cred)).status).toBe(401);
        expect((await me(t, bearer)).status).toBe(401);
        const cred = await loginCookie(t, u.email);
        const who = await me(t, cred);
        expect(who.status).toBe(200);
        expect(who.body.amr).toEqual(['pwd']);
        expect((await as(t.http.get('/auth/mfa'), cred)).body.enabled).toBe(false);
        expectError(await as(t.http.delete('/users/00000000-0000-4000-8000-000000000000/mfa'), admin), 404, 'USER_NOT_FOUND');
      });

      it('an admin cannot remove their own second factor this way, however the id is written', async () => {
        const { t } = ctx;
        const self = await enrolledUser(ctx, true);
        for (const id of [self.id, self.id.toUpperCase()]) {
          const res = await as(t.http.delete(`/users/${id}/mfa`), self.cred);
          // MySQL collations fold the case of ids (the user is found: 403); SQLite compares exactly (not found: 404).
          expect([403, 404]).toContain(res.status);
        }
        expect((await as(t.http.get('/auth/mfa'), self.cred)).body.enabled).toBe(true);
      });
    });

    describe('storage', () => {
      it('no TOTP secret, recovery code or pending token is stored in any readable form', async () => {
        const { t } = ctx;
        const u = await enrolledUser(ctx);
        const regenerated = await as(t.http.post('/auth/mfa/recovery-codes'), u.cred).send({ code: await currentCode(t, u.secret) });
        expect(regenerated.status).toBe(200);
        const mfaToken = await beginLogin(t, u.email);
        const { text, tables } = await dumpDatabase(t);
        // The rows are there (the dump is not vacuous)…
        expect(tables.user_totp.filter((row) => row.user_id === u.id)).toHaveLength(1);
        expect(tables.recovery_codes.filter((row) => row.user_id === u.id).length).toBeGreaterThanOrEqual(10);
        expect(tables.mfa_challenges.filter((row) => row.user_id === u.id).length).toBeGreaterThanOrEqual(1);
        // …and none of the secrets is readable in them.
        const raw = base32Decode(u.secret);
        const needles = [
          u.secret,
          u.secret.replace(/=+$/, ''),
          raw.toString('hex'),
          raw.toString('base64'),
          raw.toString('base64url'),
          mfaToken,
          ...[...u.recoveryCodes, ...(regenerated.body.recoveryCodes as string[])].flatMap((code) => [code, code.replace(/-/g, '')]),
        ];
        const haystack = text.toLowerCase();
        for (const needle of needles) expect(haystack).not.toContain(needle.toLowerCase());
      });
    });
  });

  describe(`mfa: admin API with AUTH_ADMIN_REQUIRE_MFA and AUTH_ADMIN_FRESH_AUTH=10m, ${where}`, () => {
    const ctx = withApp(target.dialect, { ...env, AUTH_ADMIN_REQUIRE_MFA: 'true', AUTH_ADMIN_FRESH_AUTH: '10m' });

    it('a password-only admin session gets 403 MFA_REQUIRED on /users; after enrolling, the same session gets 200', async () => {
      const { t } = ctx;
      const cred = await loginCookie(t, (await createAdmin(t)).email);
      const res = await as(t.http.get('/users'), cred);
      expect(res.body).toMatchObject({ statusCode: 403, code: 'MFA_REQUIRED' });
      expect((await me(t, cred)).status).toBe(200);
      await enrolTotp(t, cred);
      expect((await as(t.http.get('/users'), cred)).status).toBe(200);
    });

    it('past 10 minutes since the sign-in, /users answers 401 REAUTHENTICATION_REQUIRED with the step-up challenge', async () => {
      const { t, clock } = ctx;
      const { cred } = await enrolledUser(ctx, true);
      clock.advance(9 * MINUTE_MS);
      expect((await as(t.http.get('/users'), cred)).status).toBe(200);
      clock.advance(2 * MINUTE_MS);
      const stale = await as(t.http.get('/users'), cred);
      expectError(stale, 401, 'REAUTHENTICATION_REQUIRED');
      expect(stale.headers['www-authenticate']).toMatch(/insufficient_user_authentication/);
      expect(stale.headers['www-authenticate']).toMatch(/max_age=600/);
      expect((await me(t, cred)).status).toBe(200);
    });

    it('reauthentication refuses an enrolled user without a code (400 naming code) and a wrong password (403)', async () => {
      const { t } = ctx;
      const u = await enrolledUser(ctx, true);
      const noCode = await as(t.http.post('/auth/reauthenticate'), u.cred).send({ password: PASSWORD });
      expectError(noCode, 400, 'INVALID_MFA_CODE');
      expect(noCode.body.details.map((d: { field: string }) => d.field)).toContain('code');
      expectError(await as(t.http.post('/auth/reauthenticate'), u.cred).send({ password: 'not the password', code: await currentCode(t, u.secret) }), 403, 'CURRENT_PASSWORD_INVALID');
    });

    it('cookie: POST /auth/reauthenticate with password and code revives the admin API for this session', async () => {
      const { t, clock } = ctx;
      const u = await enrolledUser(ctx, true);
      const sessionId = (await me(t, u.cred)).body.sessionId;
      clock.advance(11 * MINUTE_MS);
      expectError(await as(t.http.get('/users'), u.cred), 401, 'REAUTHENTICATION_REQUIRED');
      const res = await as(t.http.post('/auth/reauthenticate'), u.cred).send({ password: PASSWORD, code: await currentCode(t, u.secret) });
      expect(res.status).toBe(200);
      expect(res.body.user).toMatchObject({ id: u.id });
      expect(res.body.amr).toEqual(expect.arrayContaining(['pwd', 'otp']));
      expectInstant(res.body.authTime, clock.now());
      if (target.strategy === 'jwt') {
        expect(cookieFrom(res, 'at')).toBeDefined();
        updateCookies(u.cred, res);
      }
      expect((await as(t.http.get('/users'), u.cred)).status).toBe(200);
      const who = await me(t, u.cred);
      expect(who.body.sessionId).toBe(sessionId);
      expectInstant(who.body.authTime, clock.now());
    });

    it('bearer: POST /auth/reauthenticate revives the admin API (JWT: a new access_token in the body; database: the same token)', async () => {
      const { t, clock } = ctx;
      const u = await enrolledUser(ctx, true);
      let bearer = await tokenTwoStep(t, u.email, await currentCode(t, u.secret));
      expect((await as(t.http.get('/users'), bearer)).status).toBe(200);
      clock.advance(11 * MINUTE_MS);
      expectError(await as(t.http.get('/users'), bearer), 401, 'REAUTHENTICATION_REQUIRED');
      const res = await as(t.http.post('/auth/reauthenticate'), bearer).send({ password: PASSWORD, code: await currentCode(t, u.secret) });
      expect(res.status).toBe(200);
      if (target.strategy === 'jwt') {
        expect(res.body).toMatchObject({ access_token: expect.any(String), token_type: 'Bearer' });
        expect(res.body.expires_in).toBeGreaterThan(0);
        bearer = { kind: 'bearer', token: res.body.access_token };
      }
      expect((await as(t.http.get('/users'), bearer)).status).toBe(200);
    });
  });

  describe(`mfa: AUTH_MFA_REQUIRED_ROLES=admin, ${where}`, () => {
    const ctx = withApp(target.dialect, { ...env, AUTH_MFA_REQUIRED_ROLES: 'admin' });

    it('an admin without a second factor may only enrol (403 MFA_ENROLLMENT_REQUIRED elsewhere); after confirming, the same session reaches everything', async () => {
      const { t } = ctx;
      const cred = await loginCookie(t, (await createAdmin(t)).email);
      expectError(await as(t.http.get('/users'), cred), 403, 'MFA_ENROLLMENT_REQUIRED');
      expectError(await as(t.http.get('/auth/sessions'), cred), 403, 'MFA_ENROLLMENT_REQUIRED');
      expect((await me(t, cred)).status).toBe(200);
      expect((await as(t.http.get('/auth/mfa'), cred)).status).toBe(200);
      await enrolTotp(t, cred); // POST /auth/mfa/totp and its confirmation are open to them
      expect((await as(t.http.get('/users'), cred)).status).toBe(200);
      expect((await as(t.http.get('/auth/sessions'), cred)).status).toBe(200);
      // Users without the role are not concerned.
      expect((await as(t.http.get('/auth/sessions'), await loginCookie(t, (await register(t)).email))).status).toBe(200);
    });

    it('such an admin cannot turn TOTP off: 403 MFA_REQUIRED_BY_POLICY', async () => {
      const { t } = ctx;
      const u = await enrolledUser(ctx, true);
      const res = await as(t.http.delete('/auth/mfa/totp'), u.cred).send({ password: PASSWORD, code: await currentCode(t, u.secret) });
      expectError(res, 403, 'MFA_REQUIRED_BY_POLICY');
      expect((await as(t.http.get('/auth/mfa'), u.cred)).body.enabled).toBe(true);
      expect(typeof (await beginLogin(t, u.email))).toBe('string');
    });
  });

  describe(`mfa: wrong codes and AUTH_THROTTLE_ACCOUNT_PER_15M=3, ${where}`, () => {
    const ctx = withApp(target.dialect, { ...env, AUTH_THROTTLE_ACCOUNT_PER_15M: '3' });

    it('wrong codes across fresh sign-ins reach the limit: 429 TOO_MANY_ATTEMPTS with Retry-After, for a right code too; the password step is counted apart', async () => {
      const { t } = ctx;
      const u = await enrolledUser(ctx);
      const wrong = await wrongCode(t, u.secret);
      let blocked: Response | undefined;
      let wrongs = 0;
      // One wrong code per pending token: only the per-user code counter can stop this.
      for (let i = 0; i < 6 && !blocked; i++) {
        const login = await t.http.post('/auth/login').send({ email: u.email, password: PASSWORD });
        expect(login.body.mfaRequired).toBe(true);
        const res = await verifyMfa(t, login.body.mfaToken, { code: wrong });
        if (res.status === 429) {
          blocked = res;
          break;
        }
        expectError(res, 401, 'INVALID_MFA_CODE');
        wrongs += 1;
      }
      expect(blocked?.status).toBe(429);
      expect(wrongs).toBeLessThanOrEqual(3);
      expect(blocked!.body.code).toBe('TOO_MANY_ATTEMPTS');
      expect(Number(blocked!.headers['retry-after'])).toBeGreaterThan(0);
      // The code step stays closed, whatever the code; the right password alone is still just the first step.
      const login = await t.http.post('/auth/login').send({ email: u.email, password: PASSWORD });
      expect(login.body.mfaRequired).toBe(true);
      expectError(await verifyMfa(t, login.body.mfaToken, { code: await currentCode(t, u.secret) }), 429, 'TOO_MANY_ATTEMPTS');
    });

    it('wrong passwords from strangers do not block the owner: from a known device, password and code still sign in', async () => {
      const { t, clock } = ctx;
      const u = await enrolledUser(ctx);
      // A completed two-step sign-in marks this browser as a known device.
      const first = await t.http.post('/auth/login').send({ email: u.email, password: PASSWORD });
      const verified = await verifyMfa(t, first.body.mfaToken, { code: await currentCode(t, u.secret) });
      expect(verified.status).toBe(200);
      const device = cookiesFrom(verified).find((pair) => /^(?:__Host-)?did=/.test(pair))!;
      expect(device).toBeDefined();
      let strangers = 0;
      while ((await t.http.post('/auth/login').send({ email: u.email, password: 'not the password at all' })).status !== 429) strangers += 1;
      expect(strangers).toBeLessThanOrEqual(3);
      clock.nextStep();
      const login = await t.http.post('/auth/login').set('Cookie', device).send({ email: u.email, password: PASSWORD });
      expect(login.body.mfaRequired).toBe(true);
      const done = await verifyMfa(t, login.body.mfaToken, { code: await currentCode(t, u.secret) });
      expect(done.status).toBe(200);
    });
  });
}
