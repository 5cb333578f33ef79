import 'reflect-metadata';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Controller, Get, Module, Req, type MiddlewareConsumer, type NestModule } from '@nestjs/common';
import type { NextFunction, Response } from 'express';
import { AuthModule, authOptionsFromEnv, Public, type AuthenticatedRequest } from '../../src/index.js';
import { PASSWORD, uniqueEmail } from '../support/client.js';
import { hostEnv, startBareHost, type BareHost } from './bare-host.js';

@Controller('who')
class WhoController {
  @Get() who(@Req() req: AuthenticatedRequest) {
    return { id: req.user?.user.id, own: Object.prototype.hasOwnProperty.call(req, 'user') };
  }
  /** A host route may set `req.user` itself (its own middleware, passport): it reads back what it wrote. */
  @Public() @Get('set') set(@Req() req: AuthenticatedRequest) {
    const before = req.user;
    req.user = { user: { id: 'host-set' } } as AuthenticatedRequest['user'];
    return { before: before ?? null, after: req.user?.user.id };
  }
}

/** A host middleware that puts a context of its own on `req.user` before the guard runs (an unverified decoder, say). */
@Module({})
class ForgingModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer
      .apply((req: AuthenticatedRequest, _res: Response, next: NextFunction) => {
        if (req.headers['x-forge'] !== undefined) req.user = { user: { id: 'forged', email: 'x@example.com', name: null, roles: ['admin'], permissions: [], status: 'active' }, sessionId: 'forged', transport: 'bearer' };
        next();
      })
      .forRoutes(WhoController);
  }
}

describe('req.user on Express (accessor on the application request prototype)', () => {
  let host: BareHost;
  beforeAll(async () => {
    host = await startBareHost(AuthModule.forRootAsync({ useFactory: () => authOptionsFromEnv(hostEnv({ AUTH_STRATEGY: 'jwt' })) }), { controllers: [WhoController], imports: [ForgingModule] });
  });
  afterAll(async () => {
    await host?.close();
  });

  it('the guard hands the context to the handler through req.user without adding a property to the request', async () => {
    const email = uniqueEmail();
    await host.http.post('/auth/register').send({ email, password: PASSWORD });
    const token = (await host.http.post('/auth/token').send({ grant_type: 'password', email, password: PASSWORD })).body.access_token as string;
    const me = (await host.http.get('/auth/me').set('Authorization', `Bearer ${token}`)).body;
    const who = await host.http.get('/who').set('Authorization', `Bearer ${token}`);
    expect(who.status).toBe(200);
    expect(who.body).toEqual({ id: me.user.id, own: false });
  });

  it('a req.user the module did not produce is no proof: the guard authenticates anyway', async () => {
    const forged = await host.http.get('/who').set('X-Forge', '1');
    expect(forged.status).toBe(401);
    expect(forged.body.code).toBe('UNAUTHENTICATED');
  });

  it('each request starts without a user, and what a handler sets is what it reads', async () => {
    for (let i = 0; i < 2; i++) expect((await host.http.get('/who/set')).body).toEqual({ before: null, after: 'host-set' });
  });
});
