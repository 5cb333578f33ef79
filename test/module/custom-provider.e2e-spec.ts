import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Controller, Get, Inject, Injectable, UseGuards } from '@nestjs/common';
import { AuthGuard } from '@nestjs/passport';
import {
  AuthModule,
  authOptionsFromEnv,
  CurrentAuth,
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
import { PASSWORD, uniqueEmail } from '../support/client.js';
import { hostEnv, NotesController, startBareHost, type BareHost } from './bare-host.js';

/**
 * A third party's strategy, written against the public entry only: session rows through the
 * module's SessionsService, a `v1.`-prefixed opaque credential, its own cookie name, and a
 * memo of ended sessions fed by the module's invalidations.
 */
@Injectable()
class PrefixedTokenProvider extends SessionProvider {
  readonly name = 'prefixed';
  readonly accessCookie = 'custom_sid';
  readonly ended = new Set<string>();
  lookups = 0;

  constructor(
    private readonly sessions: SessionsService,
    @Inject(RolePermissions) private readonly permissions: RolePermissions,
  ) {
    super();
  }

  async authenticate(credential: PresentedCredential): Promise<AuthResult | null> {
    if (!credential.token.startsWith('v1.')) return null;
    this.lookups += 1;
    const session = await this.sessions.findBySecret(credential.token.slice(3));
    if (!session?.user || this.ended.has(session.id) || !this.sessions.isLive(session) || session.user.status !== 'active') return null;
    const { id, email, name, roles, status } = session.user;
    return { context: { user: { id, email, name, roles, status, permissions: this.permissions.of(roles) }, sessionId: session.id, transport: credential.transport } };
  }

  async signIn(user: User, client: ClientInfo): Promise<IssuedCredentials> {
    const created = await this.sessions.create({ userId: user.id, userVersion: user.version, ...client, idleTimeoutMs: 60_000, absoluteLifetimeMs: 3_600_000 });
    if (!created) throw new Error('user changed while signing in');
    return { sessionId: created.session.id, accessToken: `v1.${created.secret}`, accessExpiresInMs: 3_600_000 };
  }

  override onSessionsRevoked(sessionIds: string[]): void {
    for (const id of sessionIds) this.ended.add(id);
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

  @UseGuards(AuthGuard('jwt'))
  @Get('jwt')
  jwt() {
    return { reached: true };
  }
}

describe('a SessionProvider defined by the host, passed in the options', () => {
  let host: BareHost;
  beforeAll(async () => {
    host = await startBareHost(AuthModule.forRootAsync({ useFactory: () => ({ ...authOptionsFromEnv(hostEnv()), provider: PrefixedTokenProvider }) }), {
      controllers: [NotesController, ProbeController],
    });
  });
  afterAll(async () => {
    await host?.close();
  });

  it('guards, controllers, cookies and passport strategies work with it unchanged', async () => {
    const email = uniqueEmail();
    expect((await host.http.post('/auth/register').send({ email, password: PASSWORD })).status).toBe(201);
    const login = await host.http.post('/auth/login').send({ email, password: PASSWORD });
    expect(login.status).toBe(200);
    const setCookie = (login.headers['set-cookie'] as unknown as string[]).join('\n');
    expect(setCookie).toMatch(/^custom_sid=v1\.[A-Za-z0-9_-]{43};.*HttpOnly/m);
    expect(setCookie).not.toMatch(/^rt=/m); // no refresh token: the provider has no refresh()
    const cookie = setCookie.split(';')[0];

    const provider = host.app.get(SessionProvider) as PrefixedTokenProvider;
    expect(provider).toBeInstanceOf(PrefixedTokenProvider);
    const me = await host.http.get('/auth/me').set('Cookie', cookie);
    expect(me.status).toBe(200);
    expect(me.body.user.email).toBe(email);
    expect(provider.lookups).toBeGreaterThan(0);
    expect((await host.http.get('/notes').set('Cookie', cookie)).body.owner).toBe(me.body.user.id);
    expect((await host.http.get('/probe/session').set('Cookie', cookie)).body.sessionId).toBe(me.body.sessionId);
    expect((await host.http.get('/probe/jwt').set('Cookie', cookie)).status).toBe(401); // its tokens are not JWTs

    const token = await host.http.post('/auth/token').send({ grant_type: 'password', email, password: PASSWORD });
    expect(token.status).toBe(200);
    expect(token.body.access_token).toMatch(/^v1\./);
    expect(token.body.refresh_token).toBeUndefined();
    expect((await host.http.get('/auth/sessions').set('Authorization', `Bearer ${token.body.access_token}`)).body.items).toHaveLength(2);

    expect((await host.http.post('/auth/refresh').set('Cookie', cookie)).body.code).toBe('UNSUPPORTED_GRANT');
    expect((await host.http.post('/auth/token').send({ grant_type: 'refresh_token', refresh_token: 'x'.repeat(43) })).status).toBe(400);
    expect((await host.http.get('/.well-known/jwks.json')).status).toBe(404);

    // Sign-out reaches the provider as an invalidation, and the credential is dead.
    const logout = await host.http.post('/auth/logout').set('Cookie', cookie);
    expect(logout.status).toBe(204);
    expect(provider.ended.has(me.body.sessionId)).toBe(true);
    expect((await host.http.get('/auth/me').set('Cookie', cookie)).status).toBe(401);
  });
});

/** A provider with bugs a host might write: a reissue for a bearer request, and a context missing fields. */
@Injectable()
class CarelessProvider extends SessionProvider {
  readonly name = 'careless';
  readonly accessCookie = 'careless';

  async authenticate({ token, transport }: PresentedCredential): Promise<AuthResult | null> {
    const user = { id: 'u1', email: 'u1@example.com', name: null, roles: ['admin'], permissions: [], status: 'active' as const };
    if (token === 'reissue') return { context: { user, sessionId: 's1', transport }, reissue: { sessionId: 's1', accessToken: 'new-cookie', accessExpiresInMs: 60_000 } };
    if (token === 'malformed') return { context: { user: { ...user, roles: undefined }, sessionId: 's1', transport } as unknown as AuthContext };
    if (token === 'suspended') return { context: { user: { ...user, status: 'suspended' }, sessionId: 's1', transport } };
    return null;
  }

  async signIn(): Promise<IssuedCredentials> {
    throw new Error('not used');
  }
}

describe('the seam fails closed around a careless provider', () => {
  let host: BareHost;
  beforeAll(async () => {
    host = await startBareHost(AuthModule.forRoot({ ...authOptionsFromEnv(hostEnv()), provider: CarelessProvider }));
  });
  afterAll(async () => {
    await host?.close();
  });

  it('never sets a cookie on a bearer request, refuses a malformed or suspended context', async () => {
    const bearer = await host.http.get('/notes').set('Authorization', 'Bearer reissue');
    expect(bearer.status).toBe(200);
    expect(bearer.headers['set-cookie']).toBeUndefined();
    const cookie = await host.http.get('/notes').set('Cookie', 'careless=reissue');
    expect(cookie.headers['set-cookie']?.[0]).toMatch(/^careless=new-cookie;/);
    const malformed = await host.http.get('/notes/admin').set('Authorization', 'Bearer malformed');
    expect(malformed.status).toBe(500);
    expect(malformed.text).not.toContain('u1@example.com');
    expect((await host.http.get('/notes').set('Authorization', 'Bearer suspended')).status).toBe(401);
  });
});
