import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Controller, Get, Post, UseGuards } from '@nestjs/common';
import { EventEmitter2, EventEmitterModule } from '@nestjs/event-emitter';
import { AuthGuard } from '@nestjs/passport';
import { AccessGuard, AuthModule, authOptionsFromEnv, CurrentUser, Public, type AuthUser } from '../../src/index.js';
import { PASSWORD, uniqueEmail } from '../support/client.js';
import { hostEnv, NotesController, startBareHost, type BareHost } from './bare-host.js';

const cookiesOf = (res: { headers: Record<string, unknown> }) => ((res.headers['set-cookie'] as string[] | undefined) ?? []).map((c) => c.split(';')[0]);

async function signIn(host: BareHost, prefix = '/auth', roles?: string) {
  const email = uniqueEmail();
  expect((await host.http.post(`${prefix}/register`).send({ email, password: PASSWORD })).status).toBe(201);
  const login = await host.http.post(`${prefix}/login`).send({ email, password: PASSWORD });
  expect(login.status).toBe(200);
  return { email, cookies: cookiesOf(login), login, roles };
}

@Controller('forms')
class FormsController {
  /** A host route that takes a form post: the module's JSON-only rule is for its own routes. */
  @Post() accept(@CurrentUser() user: AuthUser) {
    return { ok: user.id.length > 0 };
  }
}

describe.each(['database', 'jwt'] as const)('the module in a bare host (%s strategy)', (strategy) => {
  let host: BareHost;
  beforeAll(async () => {
    host = await startBareHost(AuthModule.forRootAsync({ useFactory: () => authOptionsFromEnv(hostEnv({ AUTH_STRATEGY: strategy })) }), {
      controllers: [NotesController, FormsController],
    });
  });
  afterAll(async () => {
    await host?.close();
  });

  it("the guard's refusals on host routes are the module's error shape, with the bearer challenge", async () => {
    const anonymous = await host.http.get('/notes');
    expect(anonymous.status).toBe(401);
    expect(anonymous.body).toEqual({ statusCode: 401, error: 'Unauthorized', code: 'UNAUTHENTICATED', message: 'Authentication required' });
    expect(anonymous.headers['www-authenticate']).toBe('Bearer realm="api"');
    expect(anonymous.headers['cache-control']).toBe('no-store');
    const bogus = await host.http.get('/notes').set('Authorization', 'Bearer not-a-token');
    expect(bogus.status).toBe(401);
    expect(bogus.headers['www-authenticate']).toBe('Bearer realm="api", error="invalid_token"');
    const { cookies } = await signIn(host);
    const forbidden = await host.http.get('/notes/admin').set('Cookie', cookies);
    expect(forbidden.status).toBe(403);
    expect(forbidden.body).toMatchObject({ statusCode: 403, error: 'Forbidden', code: 'FORBIDDEN' });
    expect((await host.http.get('/notes/open')).body).toEqual({ open: true });
  });

  it('reads its cookies without a cookie parser in the host, and sets HttpOnly SameSite cookies', async () => {
    const { cookies, login } = await signIn(host);
    const set = (login.headers['set-cookie'] as unknown as string[]).join('\n');
    expect(set).toMatch(/HttpOnly/);
    expect(set).toMatch(/SameSite=Lax/);
    const me = await host.http.get('/auth/me').set('Cookie', cookies);
    expect(me.status).toBe(200);
    expect(me.body.transport).toBe('cookie');
    expect(me.headers['cache-control']).toBe('no-store');
  });

  it('its routes validate (400 naming the field), refuse non-JSON bodies (415) and unknown fields', async () => {
    const bad = await host.http.post('/auth/register').send({ email: 'not-an-email', password: PASSWORD });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ statusCode: 400, code: 'VALIDATION_FAILED' });
    expect(bad.body.details.map((d: { field: string }) => d.field)).toEqual(['email']);
    const extra = await host.http.post('/auth/register').send({ email: uniqueEmail(), password: PASSWORD, isAdmin: true });
    expect(extra.status).toBe(400);
    expect(extra.body.details.map((d: { field: string }) => d.field)).toEqual(['isAdmin']);
    const form = await host.http.post('/auth/login').type('form').send(`email=a%40example.com&password=${encodeURIComponent(PASSWORD)}`);
    expect(form.status).toBe(415);
    expect(form.body.code).toBe('UNSUPPORTED_MEDIA_TYPE');
    const malformed = await host.http.post('/auth/login').set('Content-Type', 'application/json').send('{"email":');
    expect(malformed.status).toBe(400);
    // A body the host's parser cannot read fails before any route: a plain 400 (the module's code needs the host's filter).
    expect(malformed.body).toMatchObject({ statusCode: 400 });
    expect(malformed.text).not.toMatch(/at .*\.js|SyntaxError/);
    const wrong = await host.http.post('/auth/login').send({ email: uniqueEmail(), password: PASSWORD });
    expect(wrong.status).toBe(401);
    expect(wrong.body).toMatchObject({ code: 'INVALID_CREDENTIALS' });
    expect(wrong.text).not.toMatch(/at .*\.js/);
  });

  it('host routes may take forms, and keep the CSRF origin checks for cookie-authenticated requests', async () => {
    const { cookies } = await signIn(host);
    const ok = await host.http.post('/forms').set('Cookie', cookies).type('form').send('a=1');
    expect(ok.status).toBe(201);
    const crossSite = await host.http.post('/forms').set('Cookie', cookies).set('Origin', 'https://evil.example').type('form').send('a=1');
    expect(crossSite.status).toBe(403);
    expect(crossSite.body.code).toBe('CSRF_REJECTED');
  });

  it('answers the JWKS only when the provider publishes keys', async () => {
    const res = await host.http.get('/.well-known/jwks.json');
    expect(res.status).toBe(strategy === 'jwt' ? 200 : 404);
    if (strategy === 'jwt') expect(res.body.keys).toHaveLength(1);
  });
});

describe('routePrefix: the routes and the refresh cookie move together', () => {
  let host: BareHost;
  beforeAll(async () => {
    host = await startBareHost(
      AuthModule.forRootAsync({ routePrefix: '/api/auth/', adminRoutePrefix: 'api/admin/users', useFactory: () => authOptionsFromEnv(hostEnv({ AUTH_STRATEGY: 'jwt' })) }),
    );
  });
  afterAll(async () => {
    await host?.close();
  });

  it('serves /api/auth/*, not /auth/*, and refreshes through the prefixed path', async () => {
    expect((await host.http.post('/auth/register').send({ email: uniqueEmail(), password: PASSWORD })).status).toBe(404);
    const { cookies, login } = await signIn(host, '/api/auth');
    const refreshCookie = (login.headers['set-cookie'] as unknown as string[]).find((c) => c.startsWith('rt='));
    expect(refreshCookie).toMatch(/Path=\/api\/auth(;|$)/);
    expect((await host.http.get('/api/auth/me').set('Cookie', cookies)).status).toBe(200);
    const refreshed = await host.http.post('/api/auth/refresh').set('Cookie', cookies);
    expect(refreshed.status).toBe(200);
    expect(cookiesOf(refreshed).some((c) => c.startsWith('at='))).toBe(true);
    expect((await host.http.get('/api/admin/users').set('Cookie', cookies)).status).toBe(403);
    expect((await host.http.get('/users').set('Cookie', cookies)).status).toBe(404);
  });
});

@Controller('guarded')
@UseGuards(AccessGuard)
class GuardedController {
  @Get() who(@CurrentUser() user: AuthUser) {
    return { id: user.id };
  }
  @Public() @Get('open') open() {
    return { open: true };
  }
}

@Controller('unguarded')
class UnguardedController {
  @Get() hello() {
    return { hello: 'world' };
  }
}

@Public()
@Controller('passport')
class PassportGuardedController {
  @UseGuards(AuthGuard('session'))
  @Post('session')
  session() {
    return { changed: true };
  }
}

describe('globalGuard: false leaves the host to apply AccessGuard per controller', () => {
  let host: BareHost;
  beforeAll(async () => {
    host = await startBareHost(AuthModule.forRootAsync({ globalGuard: false, useFactory: () => authOptionsFromEnv(hostEnv()) }), {
      controllers: [GuardedController, UnguardedController, PassportGuardedController],
    });
  });

  it("AuthGuard('session') alone still refuses a cross-site cookie request (CSRF), and takes bearer requests", async () => {
    const { email, cookies } = await signIn(host);
    const crossSite = await host.http.post('/passport/session').set('Cookie', cookies).set('Origin', 'https://evil.example').type('form').send('a=1');
    expect(crossSite.status).toBe(403);
    expect(crossSite.body.code).toBe('CSRF_REJECTED');
    expect((await host.http.post('/passport/session').set('Cookie', cookies).set('Sec-Fetch-Site', 'cross-site')).status).toBe(403);
    expect((await host.http.post('/passport/session').set('Cookie', cookies)).status).toBe(201);
    const token = (await host.http.post('/auth/token').send({ grant_type: 'password', email, password: PASSWORD })).body.access_token as string;
    expect((await host.http.post('/passport/session').set('Authorization', `Bearer ${token}`).set('Origin', 'https://evil.example')).status).toBe(201);
  });
  afterAll(async () => {
    await host?.close();
  });

  it('guards only where applied, and still guards the module’s own routes', async () => {
    expect((await host.http.get('/unguarded')).status).toBe(200);
    expect((await host.http.get('/guarded')).status).toBe(401);
    expect((await host.http.get('/guarded/open')).status).toBe(200);
    expect((await host.http.get('/auth/me')).status).toBe(401);
    expect((await host.http.get('/auth/sessions')).status).toBe(401);
    expect((await host.http.post('/auth/logout-all')).status).toBe(401);
    expect((await host.http.get('/users')).status).toBe(401);
    const { cookies } = await signIn(host);
    expect((await host.http.get('/guarded').set('Cookie', cookies)).status).toBe(200);
    expect((await host.http.get('/auth/me').set('Cookie', cookies)).status).toBe(200);
    expect((await host.http.get('/users').set('Cookie', cookies)).status).toBe(403);
  });
});

describe('a host with an event emitter of its own, and cookies of its own', () => {
  let host: BareHost;
  beforeAll(async () => {
    host = await startBareHost(AuthModule.forRootAsync({ useFactory: () => ({ ...authOptionsFromEnv(hostEnv()), clearSiteData: false }) }), {
      imports: [EventEmitterModule.forRoot()],
    });
  });
  afterAll(async () => {
    await host?.close();
  });

  it("look-alike payloads on the host's emitter under the module's event names change nothing", async () => {
    const { cookies } = await signIn(host);
    const me = await host.http.get('/auth/me').set('Cookie', cookies);
    const emitter = host.app.get(EventEmitter2, { strict: false });
    for (const name of ['nest-auth.user.suspended', 'nest-auth.user.password-changed', 'nest-auth.session.user-sessions-revoked']) {
      await emitter.emitAsync(name, { userId: me.body.user.id, sessionIds: [me.body.sessionId], keepSessionId: null });
    }
    expect((await host.http.get('/notes').set('Cookie', cookies)).status).toBe(200);
  });

  it('clearSiteData: false signs out without asking the browser to drop the host’s cookies', async () => {
    const { cookies } = await signIn(host);
    const logout = await host.http.post('/auth/logout').set('Cookie', cookies);
    expect(logout.status).toBe(204);
    expect(logout.headers['clear-site-data']).toBeUndefined();
    expect((await host.http.get('/notes').set('Cookie', cookies)).status).toBe(401);
  });
});
