import 'reflect-metadata';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { Controller, Get, Inject, Injectable, UseGuards } from '@nestjs/common';
import { AuthGuard } from '@nestjs/passport';
import {
  AuthModule,
  authOptionsFromEnv,
  CurrentAuth,
  DomainError,
  Public,
  RolePermissions,
  SessionProvider,
  SessionsService,
  type AuthContext,
  type AuthResult,
  type ClientInfo,
  type IssuedCredentials,
  type PresentedCredential,
  type User,
} from '../../src/index.js';
import { SessionLookup } from '../../src/sessions/index.js';
import { as, createAdmin, loginBearer, loginCookie, PASSWORD, register, uniqueEmail, type Credential } from '../support/client.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { hostEnv, NotesController, startBareHost, type BareHost } from '../module/bare-host.js';

/**
 * Authentication answers without a promise when it awaited nothing: both paths, and every shape a
 * provider may answer with, keep the same refusals, headers and validation. SQLite only.
 */

/** A valid PromiseLike that is not a native Promise (`then` returns another of its kind: no `.catch`). */
class Eventually<T> implements PromiseLike<T> {
  constructor(private readonly promise: Promise<T>) {}
  then<A = T, B = never>(ok?: ((value: T) => A | PromiseLike<A>) | null, ko?: ((reason: unknown) => B | PromiseLike<B>) | null): Eventually<A | B> {
    return new Eventually(this.promise.then(ok, ko));
  }
}

/**
 * One provider, three ways of answering, chosen by a prefix on the secret: `sync.` answers without a
 * promise (now allowed), `thenable.` with a PromiseLike (always accepted), `throw.` throws
 * a DomainError synchronously.
 */
@Injectable()
class ShapeProvider extends SessionProvider {
  readonly name = 'shapes';
  readonly accessCookie = 'shape_sid';
  /** What authenticate resolved per secret, filled by signIn (a real provider would look it up; kept sync here). */
  readonly known = new Map<string, AuthResult>();

  constructor(
    private readonly sessions: SessionsService,
    @Inject(RolePermissions) private readonly permissions: RolePermissions,
  ) {
    super();
  }

  authenticate(credential: PresentedCredential): AuthResult | null | Promise<AuthResult | null> {
    const [mode, secret] = credential.token.split('.', 2) as [string, string | undefined];
    const found = secret ? this.known.get(secret) : undefined;
    const result = found ? { context: { ...found.context, transport: credential.transport } } : null;
    if (mode === 'sync') return result;
    if (mode === 'thenable') return new Eventually(Promise.resolve(result)) as unknown as Promise<AuthResult | null>;
    if (mode === 'throw') throw new DomainError('UNAUTHENTICATED', 'refused by the provider');
    return null;
  }

  async signIn(user: User, client: ClientInfo): Promise<IssuedCredentials> {
    const created = await this.sessions.create({ userId: user.id, userVersion: user.version, ...client, idleTimeoutMs: 60_000, absoluteLifetimeMs: 3_600_000 });
    if (!created) throw new Error('user changed while signing in');
    const { id, email, name, roles, status } = user;
    this.known.set(created.secret, { context: { user: { id, email, name, roles, status, permissions: this.permissions.of(roles) }, sessionId: created.session.id, transport: 'cookie' } });
    return { sessionId: created.session.id, accessToken: `sync.${created.secret}`, accessExpiresInMs: 3_600_000 };
  }
}

@Public()
@Controller('probe')
class ProbeController {
  @UseGuards(AuthGuard('session'))
  @Get('session')
  session(@CurrentAuth() auth: AuthContext) {
    return { sessionId: auth.sessionId };
  }
}

describe('(f) a custom provider answering synchronously, with a thenable, or throwing', () => {
  let host: BareHost;
  let secret: string;
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => void unhandled.push(reason);

  beforeAll(async () => {
    process.on('unhandledRejection', onUnhandled);
    host = await startBareHost(AuthModule.forRootAsync({ useFactory: () => ({ ...authOptionsFromEnv(hostEnv()), provider: ShapeProvider }) }), {
      controllers: [NotesController, ProbeController],
    });
    const email = uniqueEmail();
    expect((await host.http.post('/auth/register').send({ email, password: PASSWORD })).status).toBe(201);
    const token = await host.http.post('/auth/token').send({ grant_type: 'password', email, password: PASSWORD });
    expect(token.status).toBe(200);
    secret = (token.body.access_token as string).slice('sync.'.length);
  });
  afterAll(async () => {
    process.off('unhandledRejection', onUnhandled);
    await host?.close();
  });

  it('a synchronous answer works on the guard, a module route, passport and logout', async () => {
    const bearer = `Bearer sync.${secret}`;
    expect((await host.http.get('/notes').set('Authorization', bearer)).status).toBe(200);
    const me = await host.http.get('/auth/me').set('Authorization', bearer);
    expect(me.status).toBe(200);
    expect(me.headers['cache-control']).toBe('no-store');
    expect((await host.http.get('/probe/session').set('Authorization', bearer)).status).toBe(200);
  });

  it('a synchronous throw keeps the 401 shape and challenge, and logout still answers', async () => {
    const res = await host.http.get('/auth/me').set('Authorization', `Bearer throw.${secret}`);
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('UNAUTHENTICATED');
    expect(res.headers['www-authenticate']).toMatch(/^Bearer /);
    expect(res.headers['cache-control']).toBe('no-store');
    expect((await host.http.get('/notes').set('Authorization', `Bearer throw.${secret}`)).status).toBe(401);
    expect((await host.http.post('/auth/logout').set('Authorization', `Bearer throw.${secret}`)).status).toBe(401);
  });

  // A thenable's own `then` may return something without `.catch`: the authenticator makes it a native promise.
  it('a PromiseLike answer (always accepted) still authenticates on the guard', async () => {
    const bearer = `Bearer thenable.${secret}`;
    expect((await host.http.get('/notes').set('Authorization', bearer)).status).toBe(200);
    expect((await host.http.get('/auth/me').set('Authorization', bearer)).status).toBe(200);
  });

  // A refusal thrown inside a chain nobody listens to would be an unhandled rejection (which ends the process by default).
  it('a PromiseLike answering null is a clean 401, with no unhandled rejection', async () => {
    unhandled.length = 0;
    const res = await host.http.get('/notes').set('Authorization', 'Bearer thenable.unknown');
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(res.status).toBe(401);
    expect(unhandled).toEqual([]);
  });
});

describe('(b)(c) JWT: claims changed, sync vs async path', () => {
  let t: TestApp;
  let admin: Credential;
  beforeAll(async () => {
    t = await startTestApp('sqlite', {
      AUTH_STRATEGY: 'jwt',
      AUTH_ROLE_CHANGE_POLICY: 'reencode',
      AUTH_ROLE_PERMISSIONS: JSON.stringify({ admin: ['users:read', 'users:write', 'sessions:revoke'], auditor: ['users:read'] }),
    });
    admin = await loginCookie(t, (await createAdmin(t)).email);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('bearer gets CLAIMS_CHANGED (401, challenge, no-store, error shape); cookie gets a re-encoded at= cookie', async () => {
    const { id, email } = await register(t);
    const bearer = await loginBearer(t, email);
    const cookie = await loginCookie(t, email);
    // Warm the verified-token cache: the next requests take the synchronous path.
    expect((await as(t.http.get('/auth/me'), bearer)).status).toBe(200);
    expect((await as(t.http.get('/auth/me'), cookie)).status).toBe(200);
    expect((await as(t.http.patch(`/users/${id}/roles`), admin).send({ roles: ['auditor'] })).status).toBe(200);

    for (const path of ['/auth/me', '/users', '/']) {
      const res = await as(t.http.get(path), bearer);
      if (path === '/') continue; // public
      expect(res.status).toBe(401);
      expect(res.body).toMatchObject({ statusCode: 401, code: 'CLAIMS_CHANGED' });
      expect(res.headers['www-authenticate']).toMatch(/error="invalid_token", error_description="[^"]*changed/);
      expect(res.headers['cache-control']).toBe('no-store');
      expect(res.headers['set-cookie']).toBeUndefined();
    }
    const viaCookie = await as(t.http.get('/users'), cookie);
    expect(viaCookie.status).toBe(200);
    expect(viaCookie.headers['cache-control']).toBe('no-store');
    expect((viaCookie.headers['set-cookie'] as unknown as string[]).some((c) => c.startsWith('at='))).toBe(true);
    // Logout with a stale bearer still ends the session via the refresh token path or answers 401, never 500.
    expect([204, 401]).toContain((await as(t.http.post('/auth/logout'), bearer)).status);
  });
});

describe('(b) database strategy with the session cache: outages and refusals', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp('sqlite', { AUTH_STRATEGY: 'database', AUTH_SESSION_CACHE_TTL: '30s', AUTH_SESSION_TOUCH_INTERVAL: '0s' });
  });
  afterAll(async () => {
    await t?.close();
  });

  const down = () => Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:3306'), { code: 'ECONNREFUSED' });

  it('a miss with the database down is 503 (rejected or thrown synchronously by the lookup); a hit is served from memory', async () => {
    const { email } = await register(t);
    const cookie = await loginCookie(t, email);
    const lookup = t.app.get(SessionLookup);
    const rejecting = jest.spyOn(lookup, 'find').mockRejectedValueOnce(down());
    const miss = await as(t.http.get('/auth/me'), cookie);
    expect(miss.status).toBe(503);
    expect(miss.body.code).toBe('DATABASE_UNAVAILABLE');
    expect(miss.headers['cache-control']).toBe('no-store');
    rejecting.mockRestore();
    const throwing = jest.spyOn(lookup, 'find').mockImplementationOnce(() => {
      throw down();
    });
    expect((await as(t.http.get('/auth/me'), cookie)).status).toBe(503);
    throwing.mockRestore();
    expect((await as(t.http.get('/auth/me'), cookie)).status).toBe(200); // fills the cache
    const never = jest.spyOn(lookup, 'find').mockRejectedValue(down());
    const hit = await as(t.http.get('/auth/me'), cookie);
    expect(hit.status).toBe(200);
    expect(hit.headers['cache-control']).toBe('no-store');
    never.mockRestore();
  });

  it('a touch falling due on a cache hit with the database down is 503, not 500', async () => {
    const { email } = await register(t);
    const cookie = await loginCookie(t, email);
    expect((await as(t.http.get('/auth/me'), cookie)).status).toBe(200);
    const lookup = t.app.get(SessionLookup);
    // The entry is cached now; with a zero touch interval this hit must write, and the write fails.
    const touch = jest.spyOn(lookup, 'touch').mockRejectedValueOnce(down());
    const res = await as(t.http.get('/auth/me'), cookie);
    touch.mockRestore();
    expect(res.status).toBe(503);
    expect(res.body.code).toBe('DATABASE_UNAVAILABLE');
  });
});

describe('(a) every body and query of the module still goes through the strict pipe', () => {
  let t: TestApp;
  let admin: Credential;
  let targetId: string;
  beforeAll(async () => {
    t = await startTestApp('sqlite', { AUTH_STRATEGY: 'database' });
    admin = await loginCookie(t, (await createAdmin(t)).email);
    targetId = (await register(t)).id;
  });
  afterAll(async () => {
    await t?.close();
  });

  it('unknown fields and prototype keys are 400 VALIDATION_FAILED everywhere', async () => {
    const routes: Array<[string, string, Record<string, unknown>]> = [
      ['post', '/auth/register', { email: uniqueEmail(), password: PASSWORD, isAdmin: true }],
      ['post', '/auth/login', { email: 'a@b.co', password: PASSWORD, extra: 1 }],
      ['post', '/auth/token', { grant_type: 'password', email: 'a@b.co', password: PASSWORD, scope: 'admin' }],
      ['post', '/auth/reauthenticate', { password: PASSWORD, extra: 1 }],
      ['post', '/auth/password', { currentPassword: PASSWORD, newPassword: `${PASSWORD}!x`, extra: 1 }],
      ['post', '/auth/mfa/totp', { password: PASSWORD, extra: 1 }],
      ['post', '/auth/mfa/totp/confirm', { code: '123456', extra: 1 }],
      ['delete', '/auth/mfa/totp', { password: PASSWORD, code: '123456', extra: 1 }],
      ['post', '/auth/mfa/recovery-codes', { code: '123456', extra: 1 }],
      ['post', '/auth/mfa/verify', { mfaToken: 'x'.repeat(43), code: '123456', extra: 1 }],
      ['patch', `/users/${targetId}/roles`, { roles: ['admin'], extra: 1 }],
      ['post', `/users/${targetId}/password`, { password: `${PASSWORD}!x`, extra: 1 }],
    ];
    for (const [method, path, body] of routes) {
      const res = await as((t.http as unknown as Record<string, (p: string) => import('supertest').Test>)[method](path), admin).send(body);
      if (res.status === 404) throw new Error(`no such route ${method} ${path}`);
      expect([method, path, res.status, res.body.code]).toEqual([method, path, 400, 'VALIDATION_FAILED']);
    }
    const query = await as(t.http.get('/users?limit=5&role=admin'), admin);
    expect([query.status, query.body.code]).toEqual([400, 'VALIDATION_FAILED']);
    const badLimit = await as(t.http.get('/users?limit=abc'), admin);
    expect(badLimit.status).toBe(400);
    expect((await as(t.http.get('/users/not-a-uuid'), admin)).status).toBe(400);
  });
});
