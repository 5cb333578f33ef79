import 'reflect-metadata';
import { describe, expect, it, jest } from '@jest/globals';
import { Controller, Get, HttpCode, Inject, Post, Req, UseGuards } from '@nestjs/common';
import { AuthGuard } from '@nestjs/passport';
import type { Response } from 'supertest';
import { AccessGuard, AuthModule, AuthService, authOptionsFromEnv, FreshAuth, Public, RequireMfa, UsersService, type AuthContext, type Env, type User } from '../../src/index.js';
import { MfaChallenges } from '../../src/mfa/index.js';
import { hostEnv, startBareHost } from '../module/bare-host.js';
import { PASSWORD, as, cookiesFrom, loginBearer, loginCookie, register, uniqueEmail, type Credential } from '../support/client.js';
import { withFrozenClock, beginLogin, beginToken, currentCode, enrolTotp, me, STEP_MS, totpCode, verifyMfa, wrongCode, type TestClock } from '../support/mfa.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

/**
 * Regression tests for the security review of the TOTP second factor: each asserts the fixed
 * behaviour of one finding. SQLite only; the app's Clock is frozen and moved by the tests.
 */

const ACCOUNT_LIMIT = 10;
const METRICS_TOKEN = 'Mfa-review-metrics-token-7f3c9a1e5b2d8046';

const withApp = withFrozenClock;

interface MfaUser {
  id: string;
  email: string;
  cred: Credential;
  secret: string;
  recoveryCodes: string[];
}

/** A registered user with TOTP on; `before` runs while the password alone still signs in. */
async function mfaUser({ t, clock }: { t: TestApp; clock: TestClock }, before?: (email: string) => Promise<void>): Promise<MfaUser> {
  const { id, email } = await register(t);
  await before?.(email);
  const cred = await loginCookie(t, email);
  const { secret, recoveryCodes } = await enrolTotp(t, cred);
  clock.nextStep(); // the enrolment spent this step
  return { id, email, cred, secret, recoveryCodes };
}

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

const outcome = (res: Response) => `${res.status} ${res.body.code ?? 'ok'}`;

describe('TOTP guesses and the account counters (database strategy, AUTH_THROTTLE_ACCOUNT_PER_15M=10)', () => {
  const ctx = withApp(() => startTestApp('sqlite', { AUTH_STRATEGY: 'database', AUTH_THROTTLE_ACCOUNT_PER_15M: String(ACCOUNT_LIMIT) }));

  /** Signs in (with a device cookie or not) and sends wrong codes, five per pending token, until 429; returns the codes checked. */
  async function guessUntilLimited(u: MfaUser, device?: string): Promise<number> {
    const { t } = ctx;
    const withDevice = <R extends { set(name: string, value: string): R }>(req: R) => (device ? req.set('Cookie', device) : req);
    let checked = 0;
    for (let round = 0; round < 4 * ACCOUNT_LIMIT; round++) {
      const login = await withDevice(t.http.post('/auth/login')).send({ email: u.email, password: PASSWORD });
      if (login.status === 429) return checked;
      expect(login.body.mfaRequired).toBe(true);
      for (let i = 0; i < 5; i++) {
        const res = await withDevice(t.http.post('/auth/mfa/verify')).send({ mfaToken: login.body.mfaToken, code: await wrongCode(t, u.secret) });
        if (res.status === 429) {
          expect(res.body.code).toBe('TOO_MANY_ATTEMPTS');
          return checked;
        }
        expect(outcome(res)).toBe('401 INVALID_MFA_CODE');
        checked++;
      }
    }
    throw new Error(`still no 429 after ${checked} wrong codes`);
  }

  it('1: known-device cookies give no extra TOTP-guess budget: wrong codes at /auth/mfa/verify count against the account', async () => {
    const { t } = ctx;
    const baseline = await guessUntilLimited(await mfaUser(ctx));

    // The attacker signed in with the password before the victim enrolled: each sign-in left a device cookie.
    const devices: string[] = [];
    const collect = async (email: string) => {
      for (let i = 0; i < 3; i++) {
        const did = cookiesFrom(await t.http.post('/auth/login').send({ email, password: PASSWORD })).find((c) => /^(?:__Host-)?did=/.test(c));
        expect(did).toBeDefined();
        devices.push(did!);
      }
    };
    const victim = await mfaUser(ctx, collect);
    const perAttempt = [await guessUntilLimited(victim)];
    for (const device of devices) perAttempt.push(await guessUntilLimited(victim, device));

    // Devices only, from the start (their sign-ins use the device counters; every code still takes an account point).
    const other = await mfaUser(ctx, collect);
    let deviceOnly = 0;
    for (const device of devices.slice(3)) deviceOnly += await guessUntilLimited(other, device);

    expect(baseline).toBeGreaterThan(0);
    expect(baseline).toBeLessThanOrEqual(ACCOUNT_LIMIT);
    expect(perAttempt).toEqual([baseline, 0, 0, 0]);
    expect(deviceOnly).toBeLessThanOrEqual(ACCOUNT_LIMIT);
  });

  it('2: with TOTP on, POST /auth/password does not reset the counters that wrong codes at /auth/reauthenticate fill', async () => {
    const { t } = ctx;
    const u = await mfaUser(ctx);
    const passwords = [PASSWORD, `${PASSWORD}#2`];
    let current = 0;
    let checked = 0;
    let limitedBy = '';
    for (let round = 0; round < 4 && !limitedBy; round++) {
      // One short of the limit, then the password change (which takes the last point).
      for (let i = 0; i < ACCOUNT_LIMIT - 1; i++) {
        const res = await as(t.http.post('/auth/reauthenticate'), u.cred).send({ password: passwords[current], code: await wrongCode(t, u.secret) });
        if (res.status === 429) {
          limitedBy = `reauthenticate ${outcome(res)}`;
          break;
        }
        expect(outcome(res)).toBe('400 INVALID_MFA_CODE');
        checked++;
      }
      if (limitedBy) break;
      const change = await as(t.http.post('/auth/password'), u.cred).send({ currentPassword: passwords[current], newPassword: passwords[1 - current] });
      if (change.status === 429) limitedBy = `password ${outcome(change)}`;
      else {
        expect(change.status).toBe(204);
        current = 1 - current;
      }
    }
    expect(limitedBy).toMatch(/ 429 TOO_MANY_ATTEMPTS$/);
    expect(checked).toBeLessThanOrEqual(ACCOUNT_LIMIT);
  });
});

/** Step-up decorators on a route AccessGuard lets through (@Public): must not start. */
@Public()
@Controller('careless')
class PublicStepUpController {
  @UseGuards(AuthGuard('session')) @RequireMfa() @Get('vault') vault() {
    return {};
  }
}
@FreshAuth('5m')
@Controller('careless-fresh')
class PublicFreshAuthController {
  @UseGuards(AuthGuard('session')) @Public() @Get() recent() {
    return {};
  }
}

@Controller('passport')
class PassportStepUpController {
  @UseGuards(AuthGuard('session')) @RequireMfa() @Get('vault') vault() {
    return { ok: true };
  }
}

@Controller('guarded')
@UseGuards(AccessGuard)
class GuardedStepUpController {
  @RequireMfa() @Get('vault') vault() {
    return { ok: true };
  }
}

/** A host's routes written the passport way: AccessGuard steps aside (@Public), the strategies guard them. */
@Public()
@Controller('host')
class PassportHostController {
  constructor(@Inject(AuthService) private readonly auth: AuthService) {}
  @UseGuards(AuthGuard('session')) @Get('session') session(@Req() req: { user: AuthContext }) {
    return { id: req.user.user.id };
  }
  @UseGuards(AuthGuard('jwt')) @Get('jwt') jwt(@Req() req: { user: AuthContext }) {
    return { id: req.user.user.id };
  }
  @UseGuards(AuthGuard('local')) @Post('login') @HttpCode(200) async login(@Req() req: { user: User; ip?: string }) {
    await this.auth.signIn(req.user, { userAgent: null, ip: req.ip ?? null });
    return { signedIn: true };
  }
}

describe('step-up decorators on @Public() host routes (bare host)', () => {
  it('3a: a @Public() host route with @RequireMfa() or @FreshAuth() makes app.init() reject, naming the route', async () => {
    const refused = await startBareHost(AuthModule.forRoot(authOptionsFromEnv(hostEnv())), { controllers: [PublicStepUpController, PublicFreshAuthController] }).then(
      async (host) => {
        await host.close();
        return null;
      },
      (error: Error) => error,
    );
    expect(refused?.message).toMatch(/PublicStepUpController\.vault\b/);
    expect(refused?.message).toMatch(/PublicFreshAuthController\.recent\b/);
  });

  it('3a: with globalGuard: false, a step-up route behind AuthGuard(session) alone is refused at start; behind AccessGuard it starts and is enforced', async () => {
    const options = { globalGuard: false, useFactory: () => authOptionsFromEnv(hostEnv()) };
    const refused = await startBareHost(AuthModule.forRootAsync(options), { controllers: [PassportStepUpController] }).then(
      async (host) => {
        await host.close();
        return null;
      },
      (error: Error) => error,
    );
    expect(refused?.message).toMatch(/PassportStepUpController\.vault\b/);
    const host = await startBareHost(AuthModule.forRootAsync(options), { controllers: [GuardedStepUpController] });
    try {
      const { email } = await register(host as unknown as TestApp);
      expect(outcome(await as(host.http.get('/guarded/vault'), await loginCookie(host as unknown as TestApp, email)))).toBe('403 MFA_REQUIRED');
    } finally {
      await host.close();
    }
  });
});

describe.each(['database', 'jwt'] as const)('passport guards on @Public() host routes, AUTH_MFA_REQUIRED_ROLES=admin (bare host, %s strategy)', (strategy) => {
  const env: Env = { AUTH_STRATEGY: strategy, AUTH_MFA_REQUIRED_ROLES: 'admin' };
  const ctx = withApp(() => startBareHost(AuthModule.forRoot(authOptionsFromEnv(hostEnv(env))), { controllers: [PassportHostController] }));
  const routes = strategy === 'jwt' ? ['/host/session', '/host/jwt'] : ['/host/session'];
  const asTestApp = () => ctx.t as unknown as TestApp; // the client helpers only use `http`
  const create = (roles: string[]) => ctx.t.app.get(UsersService).create({ email: uniqueEmail(roles[0] ?? 'user'), password: PASSWORD, roles });
  const statuses = async (cred: Credential) => Promise.all(routes.map(async (route) => outcome(await as(ctx.t.http.get(route), cred))));

  it('3b: an admin whose session has no second factor gets 403 MFA_ENROLLMENT_REQUIRED from AuthGuard(session|jwt); 200 once enrolled', async () => {
    const admin = await create(['admin']);
    const plain = await create([]);
    const adminCookie = await loginCookie(asTestApp(), admin.email);
    const creds: Credential[] = [adminCookie];
    if (strategy === 'jwt') creds.push(await loginBearer(asTestApp(), admin.email));
    for (const cred of creds) expect(await statuses(cred)).toEqual(routes.map(() => '403 MFA_ENROLLMENT_REQUIRED'));
    expect(await statuses(await loginCookie(asTestApp(), plain.email))).toEqual(routes.map(() => '200 ok'));
    await enrolTotp(ctx.t, adminCookie);
    expect(await statuses(adminCookie)).toEqual(routes.map(() => '200 ok'));
  });

  it('3c: AuthService.signIn with the default (password-only) assurance refuses a user with TOTP on: AuthGuard(local) route is 403 MFA_REQUIRED', async () => {
    const plain = await create([]);
    const mfa = await create([]);
    await enrolTotp(ctx.t, await loginCookie(asTestApp(), mfa.email));
    const login = (email: string) => ctx.t.http.post('/host/login').send({ email, password: PASSWORD });
    expect(outcome(await login(plain.email))).toBe('200 ok');
    const refused = await login(mfa.email);
    expect(outcome(refused)).toBe('403 MFA_REQUIRED');
    expect(cookiesFrom(refused).filter((c) => /^(?:__Host-)?(?:sid|at|rt)=/.test(c))).toEqual([]);
  });
});

describe('second-factor endpoints (jwt strategy; a support role with users:write only)', () => {
  const ctx = withApp(() =>
    startTestApp('sqlite', {
      AUTH_STRATEGY: 'jwt',
      AUTH_THROTTLE_ACCOUNT_PER_15M: '1000',
      AUTH_ROLE_PERMISSIONS: JSON.stringify({ admin: ['users:read', 'users:write', 'sessions:revoke'], support: ['users:write'] }),
      AUTH_METRICS_TOKEN: METRICS_TOKEN,
    }),
  );

  it('second-factor checks at sign-in are counted by outcome and method in the metrics', async () => {
    const { t } = ctx;
    const u = await mfaUser(ctx);
    const counted = async () => (await t.http.get('/auth/metrics').set('Authorization', `Bearer ${METRICS_TOKEN}`)).text;
    const count = (text: string, outcome: string, method: string) =>
      Number(new RegExp(`auth_second_factor_checks_total\\{outcome="${outcome}",method="${method}"\\} (\\d+)`).exec(text)?.[1] ?? 0);
    const before = await counted();
    const mfaToken = await beginLogin(t, u.email);
    expect((await verifyMfa(t, mfaToken, { code: await wrongCode(t, u.secret) })).status).toBe(401);
    expect((await verifyMfa(t, mfaToken, { code: await currentCode(t, u.secret) })).status).toBe(200);
    expect((await verifyMfa(t, mfaToken, { recoveryCode: u.recoveryCodes[0]! })).status).toBe(401);
    const after = await counted();
    expect(count(after, 'failure', 'otp') - count(before, 'failure', 'otp')).toBe(1);
    expect(count(after, 'success', 'otp') - count(before, 'success', 'otp')).toBe(1);
    expect(count(after, 'expired', 'recovery') - count(before, 'expired', 'recovery')).toBe(1);
  });

  it('4: null and non-string factors at verify, the mfa_otp grant and reauthenticate are 400 naming the field, never 500', async () => {
    const { t } = ctx;
    const u = await mfaUser(ctx);
    const mfaToken = await beginLogin(t, u.email);
    const mfa_token = await beginToken(t, u.email);
    const verify = (body: object) => t.http.post('/auth/mfa/verify').send({ mfaToken, ...body });
    const grant = (body: object) => t.http.post('/auth/token').send({ grant_type: 'mfa_otp', mfa_token, ...body });
    const reauth = (body: object) => as(t.http.post('/auth/reauthenticate'), u.cred).send({ password: PASSWORD, ...body });
    const cases: Array<[string, () => Promise<Response>, string[]]> = [
      ['verify {recoveryCode:null}', () => verify({ recoveryCode: null }), ['recoveryCode']],
      ['verify {code:123456, recoveryCode:null}', () => verify({ code: 123456, recoveryCode: null }), ['code', 'recoveryCode']],
      ['verify {code:[1], recoveryCode:"x"}', () => verify({ code: [1], recoveryCode: 'x' }), ['code']],
      ['verify {code:{}, recoveryCode:"x"}', () => verify({ code: {}, recoveryCode: 'x' }), ['code']],
      ['mfa_otp {recovery_code:null}', () => grant({ recovery_code: null }), ['recovery_code']],
      ['mfa_otp {otp:123456}', () => grant({ otp: 123456 }), ['otp']],
      ['mfa_otp {otp:123456, recovery_code:null}', () => grant({ otp: 123456, recovery_code: null }), ['otp', 'recovery_code']],
      ['mfa_otp {otp:["1"], recovery_code:"x"}', () => grant({ otp: ['1'], recovery_code: 'x' }), ['otp']],
      ['reauthenticate {code:null}', () => reauth({ code: null }), ['code']],
      ['reauthenticate {recoveryCode:null}', () => reauth({ recoveryCode: null }), ['recoveryCode']],
    ];
    const got: Record<string, unknown> = {};
    const want: Record<string, unknown> = {};
    for (const [name, send, fields] of cases) {
      const res = await send();
      got[name] = { status: res.status, code: res.body.code, fields: ((res.body.details ?? []) as Array<{ field: string }>).map((d) => d.field) };
      want[name] = { status: 400, code: 'VALIDATION_FAILED', fields: expect.arrayContaining(fields) };
    }
    expect(got).toEqual(want);
    // The refusals were about the input: both pending sign-ins still complete with a right code.
    expect(outcome(await verifyMfa(t, mfaToken, { code: await currentCode(t, u.secret) }))).toBe('200 ok');
    ctx.clock.nextStep();
    expect((await grant({ otp: await currentCode(t, u.secret) })).status).toBe(200);
  });

  it('5: after a next-step code (drift), a clock 2–20 s behind gets wrong-code answers, never 500; a later step still works', async () => {
    const { t, clock } = ctx;
    const u = await mfaUser(ctx);
    clock.advance(10_000); // 11 s into step N
    const t0 = clock.now();
    expect(outcome(await verifyMfa(t, await beginLogin(t, u.email), { code: await totpCode(u.secret, t0 + STEP_MS) }))).toBe('200 ok'); // step N+1 used
    const got: Record<string, string[]> = {};
    const want: Record<string, string[]> = {};
    for (const lag of [2_000, 10_000, 12_000, 20_000]) {
      clock.advance(t0 - lag - clock.now()); // step N (9 s, 1 s in) or N-1 (29 s, 21 s in)
      const code = await currentCode(t, u.secret);
      const v = await verifyMfa(t, await beginLogin(t, u.email), { code });
      const g = await t.http.post('/auth/token').send({ grant_type: 'mfa_otp', mfa_token: await beginToken(t, u.email), otp: code });
      got[`-${lag / 1000}s`] = [outcome(v), outcome(g)];
      want[`-${lag / 1000}s`] = ['401 INVALID_MFA_CODE', '400 INVALID_GRANT'];
    }
    expect(got).toEqual(want);
    clock.advance(t0 + 2 * STEP_MS - clock.now()); // step N+2
    expect(outcome(await verifyMfa(t, await beginLogin(t, u.email), { code: await currentCode(t, u.secret) }))).toBe('200 ok');
  });

  it('6: TOTP and recovery-code verifies racing on one pending sign-in: one 200; the recovery code is spent only if it won', async () => {
    const { t, clock } = ctx;
    const u = await mfaUser(ctx);
    const remaining = async () => (await as(t.http.get('/auth/mfa'), u.cred)).body.recoveryCodesRemaining as number;
    // Widens the race as two instances would: each request, once it has found the open challenge, waits on the test's hook.
    const challenges = t.app.get(MfaChallenges);
    const find = challenges.find.bind(challenges);
    let calls = 0;
    let onFound: (call: number) => Promise<void> = async () => {};
    const spy = jest.spyOn(challenges, 'find').mockImplementation(async (...args) => {
      const found = await find(...args);
      await onFound(++calls);
      return found;
    });
    try {
      // (a) The recovery request finds the challenge open, then goes on only after the TOTP request has signed in.
      clock.nextStep();
      let mfaToken = await beginLogin(t, u.email);
      const [totpFound, recoveryFound, totpDone] = [deferred(), deferred(), deferred()];
      calls = 0;
      onFound = async (call) => {
        if (call === 1) {
          totpFound.resolve();
          await recoveryFound.promise;
        } else {
          recoveryFound.resolve();
          await totpDone.promise;
        }
      };
      const totpReq = verifyMfa(t, mfaToken, { code: await currentCode(t, u.secret) }).then((res) => res);
      await totpFound.promise;
      const recoveryReq = verifyMfa(t, mfaToken, { recoveryCode: u.recoveryCodes[0]! }).then((res) => res);
      const totp = await totpReq;
      totpDone.resolve();
      const recovery = await recoveryReq;
      expect([outcome(totp), outcome(recovery)]).toEqual(['200 ok', '401 INVALID_MFA_TOKEN']);
      expect(await remaining()).toBe(10);

      // (b) Both released together: whichever claims the sign-in, only its factor is spent.
      clock.nextStep();
      mfaToken = await beginLogin(t, u.email);
      const bothFound = deferred();
      calls = 0;
      onFound = async (call) => {
        if (call === 2) bothFound.resolve();
        await bothFound.promise;
      };
      const code = await currentCode(t, u.secret);
      const race = await Promise.all([verifyMfa(t, mfaToken, { code }), verifyMfa(t, mfaToken, { recoveryCode: u.recoveryCodes[1]! })]);
      expect(race.filter((res) => res.status === 200)).toHaveLength(1);
      expect(await remaining()).toBe(race[1]!.status === 200 ? 9 : 10);
    } finally {
      spy.mockRestore();
    }
    // The recovery code that lost in (a) was not spent: it signs in once.
    expect(outcome(await verifyMfa(t, await beginLogin(t, u.email), { recoveryCode: u.recoveryCodes[0]! }))).toBe('200 ok');
  });

  it("7: DELETE /users/:id/mfa refuses one's own factor and users with roles beyond one's permissions; a permitted reset is 204", async () => {
    const { t, clock } = ctx;
    const staff = async (roles: string[], enrol: boolean) => {
      const user = await t.users.create({ email: uniqueEmail(roles[0]), password: PASSWORD, roles });
      const cred = await loginCookie(t, user.email);
      if (enrol) {
        await enrolTotp(t, cred);
        clock.nextStep();
      }
      return { id: user.id, cred };
    };
    const admin = await staff(['admin'], true);
    const support = await staff(['support'], false);
    const target = await mfaUser(ctx);
    const reset = (by: { cred: Credential }, id: string) => as(t.http.delete(`/users/${id}/mfa`), by.cred);
    expect(outcome(await reset(admin, admin.id))).toBe('403 FORBIDDEN');
    expect(outcome(await reset(support, admin.id))).toBe('403 FORBIDDEN');
    expect((await reset(support, target.id)).status).toBe(204);
    const mfaOn = async (id: string) => (await t.users.getById(id)).mfaEnabledAt !== null;
    expect([await mfaOn(admin.id), await mfaOn(target.id)]).toEqual([true, false]);
  });

  it('a bearer client confirming enrolment gets an access_token, and with it /auth/me says otp', async () => {
    const { t } = ctx;
    const { email } = await register(t);
    const { confirm } = await enrolTotp(t, await loginBearer(t, email));
    expect(confirm.body).toMatchObject({ recoveryCodes: expect.any(Array), access_token: expect.any(String), token_type: 'Bearer', expires_in: expect.any(Number) });
    const res = await me(t, { kind: 'bearer', token: confirm.body.access_token });
    expect(res.status).toBe(200);
    expect(res.body.amr).toContain('otp');
  });
});
