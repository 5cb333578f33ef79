import 'reflect-metadata';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Controller, Get } from '@nestjs/common';
import { AuthModule, authOptionsFromEnv, CurrentUser, type AuthUser } from '../../src/index.js';
import { PASSWORD, uniqueEmail } from '../support/client.js';
import { hostEnv, NotesController, startBareHost, type BareHost } from '../module/bare-host.js';

/** A careless host handler: it tries to widen the signed-in user's roles and permissions in place. */
@Controller('meddle')
class MeddlingController {
  @Get() meddle(@CurrentUser() user: AuthUser) {
    // Past the read-only types, as JavaScript or a cast would be.
    const attempts = [() => (user.roles as string[]).push('admin'), () => (user.permissions as string[]).push('users:write')];
    return {
      refused: attempts.filter((attempt) => {
        try {
          attempt();
          return false;
        } catch {
          return true;
        }
      }).length,
    };
  }
}

/**
 * The verified-token cache, the session cache and the role-to-permissions memo hand the same
 * arrays to many requests (and, for permissions, to many users): a handler must not be able to
 * change what the next request is allowed to do.
 */
describe.each([
  ['jwt', {}],
  ['database', {}],
  ['database', { AUTH_SESSION_CACHE_TTL: '30s' }],
] as const)('a context shared between requests is read-only (%s strategy %j)', (strategy, env) => {
  let host: BareHost;
  beforeAll(async () => {
    host = await startBareHost(AuthModule.forRootAsync({ useFactory: () => authOptionsFromEnv(hostEnv({ AUTH_STRATEGY: strategy, ...env })) }), {
      controllers: [NotesController, MeddlingController],
    });
  });
  afterAll(async () => {
    await host?.close();
  });

  async function bearer(): Promise<string> {
    const email = uniqueEmail();
    expect((await host.http.post('/auth/register').send({ email, password: PASSWORD })).status).toBe(201);
    const token = await host.http.post('/auth/token').send({ grant_type: 'password', email, password: PASSWORD });
    expect(token.status).toBe(200);
    return `Bearer ${token.body.access_token as string}`;
  }

  it('a handler that changes roles or permissions in place changes nothing for the next request', async () => {
    const [mine, theirs] = [await bearer(), await bearer()];
    const before = (await host.http.get('/auth/me').set('Authorization', mine)).body.user;
    // Twice: the second request is the one served from whatever the first one could have changed.
    for (let i = 0; i < 2; i++) {
      // Arrays built for this request alone may change; shared ones refuse. Either way, no 500.
      expect((await host.http.get('/meddle').set('Authorization', mine)).status).toBe(200);
    }
    expect((await host.http.get('/notes/admin').set('Authorization', mine)).status).toBe(403);
    expect((await host.http.get('/auth/me').set('Authorization', mine)).body.user).toEqual(before);
    // Another user with the same roles shares the memoized permissions.
    const other = (await host.http.get('/auth/me').set('Authorization', theirs)).body.user;
    expect(other.roles).toEqual(before.roles);
    expect(other.permissions).toEqual(before.permissions);
    expect(other.permissions).not.toContain('users:write');
  });
});
