import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it, jest } from '@jest/globals';
import { Injectable, Module } from '@nestjs/common';
import { AuthModule, authOptionsFromEnv, type AuthModuleOptions, type AuthOptionsFactory } from '../../src/index.js';
import { PASSWORD, uniqueEmail } from '../support/client.js';
import { hostEnv, startBareHost, type BareHost } from './bare-host.js';

/** Register, sign in with the browser flow, and call the host's own guarded route. */
async function signedInNotes(host: BareHost): Promise<{ status: number; owner: string; id: string }> {
  const email = uniqueEmail();
  const registered = await host.http.post('/auth/register').send({ email, password: PASSWORD });
  expect(registered.status).toBe(201);
  const login = await host.http.post('/auth/login').send({ email, password: PASSWORD });
  expect(login.status).toBe(200);
  const cookies = (login.headers['set-cookie'] as unknown as string[]).map((c) => c.split(';')[0]);
  const res = await host.http.get('/notes').set('Cookie', cookies);
  return { status: res.status, owner: res.body.owner, id: registered.body.user.id };
}

const options = (strategy: 'database' | 'jwt'): AuthModuleOptions => authOptionsFromEnv(hostEnv({ AUTH_STRATEGY: strategy }));

@Injectable()
class OptionsFromClass implements AuthOptionsFactory {
  static calls = 0;
  createAuthOptions(): AuthModuleOptions {
    OptionsFromClass.calls += 1;
    return options('jwt');
  }
}

@Injectable()
class SharedOptions implements AuthOptionsFactory {
  static calls = 0;
  createAuthOptions(): AuthModuleOptions {
    SharedOptions.calls += 1;
    return options('database');
  }
}

@Module({ providers: [SharedOptions], exports: [SharedOptions] })
class SharedOptionsModule {}

describe('AuthModule registration styles, in a host with no globals of its own', () => {
  let host: BareHost | undefined;
  afterEach(async () => {
    await host?.close();
    host = undefined;
  });

  it('forRoot(options): the host route is 401 anonymous, 200 signed in', async () => {
    host = await startBareHost(AuthModule.forRoot(options('database')));
    expect((await host.http.get('/notes')).status).toBe(401);
    const notes = await signedInNotes(host);
    expect(notes).toMatchObject({ status: 200, owner: notes.id });
  });

  it('forRootAsync({ useFactory }) calls the factory once', async () => {
    const factory = jest.fn(() => options('jwt'));
    host = await startBareHost(AuthModule.forRootAsync({ useFactory: factory }));
    const notes = await signedInNotes(host);
    expect(notes).toMatchObject({ status: 200, owner: notes.id });
    expect(factory).toHaveBeenCalledTimes(1);
  });

  it('forRootAsync({ useFactory, inject, imports }) receives the injected provider', async () => {
    const factory = jest.fn((shared: SharedOptions) => shared.createAuthOptions());
    host = await startBareHost(AuthModule.forRootAsync({ imports: [SharedOptionsModule], inject: [SharedOptions], useFactory: factory }));
    expect((await signedInNotes(host)).status).toBe(200);
    expect(factory).toHaveBeenCalledTimes(1);
    expect(factory.mock.calls[0][0]).toBeInstanceOf(SharedOptions);
  });

  it('forRootAsync({ useClass }) instantiates the class and calls createAuthOptions once', async () => {
    OptionsFromClass.calls = 0;
    host = await startBareHost(AuthModule.forRootAsync({ useClass: OptionsFromClass }));
    expect((await signedInNotes(host)).status).toBe(200);
    expect(OptionsFromClass.calls).toBe(1);
  });

  it('forRootAsync({ useExisting }) reuses the host provider and calls createAuthOptions once', async () => {
    SharedOptions.calls = 0;
    host = await startBareHost(AuthModule.forRootAsync({ imports: [SharedOptionsModule], useExisting: SharedOptions }));
    expect((await signedInNotes(host)).status).toBe(200);
    expect(SharedOptions.calls).toBe(1);
  });

  it('authOptionsFromEnv reports every bad AUTH_* variable, one line each, naming it', () => {
    let problems: string[] = [];
    try {
      authOptionsFromEnv({ AUTH_STRATEGY: 'magic', AUTH_SESSION_IDLE_TIMEOUT: '10', AUTH_THROTTLE_ACCOUNT_PER_DAY: '500', AUTH_ROLE_PERMISSIONS: '[1]' });
    } catch (error) {
      problems = (error as { problems: string[] }).problems;
    }
    for (const name of ['AUTH_STRATEGY', 'AUTH_SESSION_IDLE_TIMEOUT', 'AUTH_THROTTLE_ACCOUNT_PER_DAY', 'AUTH_ROLE_PERMISSIONS']) {
      expect(problems.filter((line) => line.startsWith(`${name}:`))).toHaveLength(1);
    }
    expect(authOptionsFromEnv({ NODE_ENV: 'production', AUTH_MFA_ENCRYPTION_KEY: randomBytes(32).toString('base64') })).toMatchObject({ strategy: 'database', cookieSecure: true, registrationOpen: false });
  });
});
