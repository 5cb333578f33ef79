import 'reflect-metadata';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Controller, Get, HttpCode, Post, Req, UseGuards, type INestApplication } from '@nestjs/common';
import { AuthGuard } from '@nestjs/passport';
import { Test } from '@nestjs/testing';
import cookieParser from 'cookie-parser';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { loadConfiguration } from '../config/index.js';
import { AppModule } from '../src/app.module.js';
import { Public, type AuthContext } from '../src/auth/index.js';
import { HttpErrorFilter } from '../src/common/http-error.filter.js';
import { as, loginBearer, loginCookie, PASSWORD, register } from './support/client.js';
import { createTestDatabase, type TestDatabase } from './support/databases.js';
import type { TestApp } from './support/test-app.js';

/** Routes an application of ours might write, guarded by passport strategies by name. */
@Public()
@Controller('probe')
class ProbeController {
  @UseGuards(AuthGuard('session'))
  @Get('session')
  session(@Req() req: { user: AuthContext }) {
    return { id: req.user.user.id, sessionId: req.user.sessionId };
  }

  @UseGuards(AuthGuard('jwt'))
  @Get('jwt')
  jwt(@Req() req: { user: AuthContext }) {
    return { id: req.user.user.id, roles: req.user.user.roles };
  }

  @UseGuards(AuthGuard('local'))
  @Post('local')
  @HttpCode(200)
  local(@Req() req: { user: { id: string } }) {
    return { id: req.user.id };
  }
}

describe.each(['database', 'jwt'] as const)('passport strategies by name, %s strategy', (strategy) => {
  let app: INestApplication;
  let db: TestDatabase;
  let t: TestApp;

  beforeAll(async () => {
    db = await createTestDatabase('sqlite');
    const config = loadConfiguration({
      NODE_ENV: 'test',
      DATABASE_URL: db.url,
      AUTH_STRATEGY: strategy,
      AUTH_JWT_DEV_KEY_FILE: join(mkdtempSync(join(tmpdir(), 'auth-keys-')), 'k.json'),
    });
    const moduleRef = await Test.createTestingModule({ imports: [AppModule.forRoot(config)], controllers: [ProbeController] })
      .setLogger(false as never)
      .compile();
    app = moduleRef.createNestApplication({ logger: false });
    app.use(cookieParser());
    app.useGlobalFilters(new HttpErrorFilter());
    await app.init();
    t = { app, http: request(app.getHttpServer()) } as unknown as TestApp;
  });
  afterAll(async () => {
    await app?.close();
    await db?.drop();
  });

  it("AuthGuard('session') accepts a cookie and a bearer session, refuses none", async () => {
    const { id, email } = await register(t);
    expect((await t.http.get('/probe/session')).status).toBe(401);
    for (const cred of [await loginCookie(t, email), await loginBearer(t, email)]) {
      const res = await as(t.http.get('/probe/session'), cred);
      expect(res.status).toBe(200);
      expect(res.body.id).toBe(id);
    }
  });

  it("AuthGuard('local') signs in with email and password", async () => {
    const { id, email } = await register(t);
    expect((await t.http.post('/probe/local').send({ email, password: PASSWORD })).body.id).toBe(id);
    expect((await t.http.post('/probe/local').send({ email, password: 'wrong password' })).status).toBe(401);
  });

  it(`AuthGuard('jwt') ${strategy === 'jwt' ? 'verifies access tokens (passport-jwt extraction)' : 'refuses everything: there are no access tokens'}`, async () => {
    const { id, email } = await register(t);
    const bearer = await loginBearer(t, email);
    const cookie = await loginCookie(t, email);
    const expected = strategy === 'jwt' ? 200 : 401;
    expect((await as(t.http.get('/probe/jwt'), bearer)).status).toBe(expected);
    expect((await as(t.http.get('/probe/jwt'), cookie)).status).toBe(expected);
    if (strategy === 'jwt') expect((await as(t.http.get('/probe/jwt'), bearer)).body.id).toBe(id);
    expect((await t.http.get('/probe/jwt').set('Authorization', 'Bearer x.y.z')).status).toBe(401);
    await as(t.http.post('/auth/logout'), bearer);
    expect((await as(t.http.get('/probe/jwt'), bearer)).status).toBe(401);
  });
});
