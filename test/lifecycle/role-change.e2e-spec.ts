import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { EntityManager } from 'typeorm';
import { SessionProvider } from '../../src/auth/index.js';
import { UserRolesChangedEvent } from '../../src/events/index.js';
import { Session } from '../../src/sessions/index.js';
import { as, createAdmin, loginBearer, loginCookie, PASSWORD, register, updateCookies, type Credential } from '../support/client.js';
import type { Dialect } from '../support/databases.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

type Strategy = 'database' | 'jwt';
type Policy = 'reencode' | 'invalidate';

const PERMISSIONS = JSON.stringify({ admin: ['users:read', 'users:write', 'sessions:revoke'], auditor: ['users:read'] });
const combos: Array<[Strategy, Policy, Dialect]> = [];
for (const dialect of ['sqlite', 'mariadb'] as const)
  for (const strategy of ['database', 'jwt'] as const) for (const policy of ['reencode', 'invalidate'] as const) combos.push([strategy, policy, dialect]);

/** The claims inside the access cookie a response set. */
function accessClaims(res: { headers: Record<string, unknown> }): { roles: string[]; perms: string[] } | undefined {
  const cookie = ((res.headers['set-cookie'] as string[] | undefined) ?? []).find((c) => c.startsWith('at='));
  if (!cookie) return undefined;
  const token = cookie.slice(3, cookie.indexOf(';'));
  return JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString());
}

describe.each(combos)('role change and account lifecycle: %s strategy, %s policy, %s', (strategy, policy, dialect) => {
  let t: TestApp;
  let admin: Credential;
  beforeAll(async () => {
    t = await startTestApp(dialect, {
      AUTH_STRATEGY: strategy,
      AUTH_ROLE_CHANGE_POLICY: policy,
      AUTH_ROLE_PERMISSIONS: PERMISSIONS,
      AUTH_SESSION_TOUCH_INTERVAL: '0s',
      AUTH_MAX_SESSIONS_PER_USER: '3',
    });
    admin = await loginCookie(t, (await createAdmin(t)).email);
  });
  afterAll(async () => {
    await t?.close();
  });

  const setRoles = (id: string, roles: string[]) => as(t.http.patch(`/users/${id}/roles`), admin).send({ roles });
  const refreshBearer = async (cred: Credential) => {
    const res = await t.http.post('/auth/token').send({ grant_type: 'refresh_token', refresh_token: (cred as { refreshToken: string }).refreshToken });
    return { status: res.status, cred: { kind: 'bearer' as const, token: res.body.access_token, refreshToken: res.body.refresh_token } };
  };

  it('demoting an admin: their next admin request is refused, on cookie and bearer', async () => {
    const { id, email } = await register(t);
    await setRoles(id, ['admin']);
    const cookie = await loginCookie(t, email);
    const bearer = await loginBearer(t, email);
    expect((await as(t.http.get('/users'), cookie)).status).toBe(200);
    expect((await as(t.http.get('/users'), bearer)).status).toBe(200);
    expect((await setRoles(id, [])).status).toBe(200);

    const viaCookie = await as(t.http.get('/users'), cookie);
    const viaBearer = await as(t.http.get('/users'), bearer);
    if (policy === 'invalidate') {
      expect(viaCookie.status).toBe(401);
      expect(viaBearer.status).toBe(401);
      if (strategy === 'jwt') expect((await refreshBearer(bearer)).status).toBe(400);
      return;
    }
    expect(viaCookie.status).toBe(403);
    if (strategy === 'database') {
      expect(viaBearer.status).toBe(403);
    } else {
      expect(accessClaims(viaCookie)?.roles).toEqual([]);
      expect(viaBearer.status).toBe(401);
      expect(viaBearer.headers['www-authenticate']).toMatch(/error="invalid_token", error_description="[^"]*changed/);
      const refreshed = await refreshBearer(bearer);
      expect(refreshed.status).toBe(200);
      expect((await as(t.http.get('/users'), refreshed.cred)).status).toBe(403);
      expect((await as(t.http.get('/auth/me'), refreshed.cred)).body.user.roles).toEqual([]);
    }
  });

  it('promoting a user: allowed on the next cookie request, and after one refresh for bearer; permissions follow', async () => {
    const { id, email } = await register(t);
    const cookie = await loginCookie(t, email);
    const bearer = await loginBearer(t, email);
    expect((await as(t.http.get('/users'), cookie)).status).toBe(403);
    expect((await setRoles(id, ['auditor'])).status).toBe(200);

    if (policy === 'invalidate') {
      expect((await as(t.http.get('/users'), cookie)).status).toBe(401);
      expect((await as(t.http.get('/users'), bearer)).status).toBe(401);
      const again = await loginCookie(t, email);
      expect((await as(t.http.get('/users'), again)).status).toBe(200);
      return;
    }
    const viaCookie = await as(t.http.get('/users'), cookie);
    expect(viaCookie.status).toBe(200);
    // auditor may read users but not change them: the permission map, not the role name, decides.
    expect((await as(t.http.patch(`/users/${id}/roles`), cookie).send({ roles: ['admin'] })).status).toBe(403);
    if (strategy === 'jwt') {
      const claims = accessClaims(viaCookie);
      expect(claims?.roles).toEqual(['auditor']);
      expect(claims?.perms).toEqual(['users:read']);
      updateCookies(cookie, viaCookie);
      const me = await as(t.http.get('/auth/me'), cookie);
      expect(me.headers['set-cookie']).toBeUndefined(); // re-encoded once; later requests carry the new token
      expect(me.body.user.permissions).toEqual(['users:read']);
      expect((await as(t.http.get('/users'), bearer)).status).toBe(401);
      const refreshed = await refreshBearer(bearer);
      expect((await as(t.http.get('/users'), refreshed.cred)).status).toBe(200);
    } else {
      expect((await as(t.http.get('/users'), bearer)).status).toBe(200);
    }
  });

  it('suspension: 401 everywhere at once, refresh and sign-in refused; unsuspending revives nothing', async () => {
    const { id, email } = await register(t);
    const cookie = await loginCookie(t, email);
    const bearer = await loginBearer(t, email);
    expect((await as(t.http.post(`/users/${id}/suspend`), admin)).status).toBe(200);
    expect((await as(t.http.get('/auth/me'), cookie)).status).toBe(401);
    expect((await as(t.http.get('/auth/me'), bearer)).status).toBe(401);
    if (strategy === 'jwt') {
      expect((await refreshBearer(bearer)).status).toBe(400);
      expect((await as(t.http.post('/auth/refresh'), cookie)).status).toBe(401);
    }
    const signIn = await t.http.post('/auth/login').send({ email, password: PASSWORD });
    const wrong = await t.http.post('/auth/login').send({ email, password: 'not the password' });
    expect(signIn.status).toBe(401);
    expect(signIn.body).toEqual(wrong.body);
    await as(t.http.post(`/users/${id}/unsuspend`), admin);
    expect((await as(t.http.get('/auth/me'), cookie)).status).toBe(401);
  });

  it('password change: every other session dies, this one lives', async () => {
    const { email } = await register(t);
    const here = await loginCookie(t, email);
    const other = await loginBearer(t, email);
    expect((await as(t.http.post('/auth/password'), here).send({ currentPassword: PASSWORD, newPassword: 'another long password' })).status).toBe(204);
    expect((await as(t.http.get('/auth/me'), here)).status).toBe(200);
    expect((await as(t.http.get('/auth/me'), other)).status).toBe(401);
    if (strategy === 'jwt') expect((await refreshBearer(other)).status).toBe(400);
  });

  it('the session cap evicts the least recently used session', async () => {
    const { email } = await register(t);
    const first = await loginCookie(t, email);
    const second = await loginCookie(t, email);
    const third = await loginCookie(t, email);
    // Use the first again, so the second becomes the least recently used.
    if (strategy === 'database') expect((await as(t.http.get('/auth/me'), first)).status).toBe(200);
    else {
      const res = await as(t.http.post('/auth/refresh'), first);
      expect(res.status).toBe(200);
      updateCookies(first, res);
    }
    const fourth = await loginCookie(t, email);
    expect((await as(t.http.get('/auth/me'), second)).status).toBe(401);
    for (const cred of [first, third, fourth]) expect((await as(t.http.get('/auth/me'), cred)).status).toBe(200);
    expect((await as(t.http.get('/auth/sessions'), fourth)).body.items).toHaveLength(3);
  });

  it('a sign-in whose password check raced a password reset or a suspension leaves no session', async () => {
    const { id, email } = await register(t);
    const provider = t.app.get(SessionProvider);
    const client = { userAgent: 'race', ip: '127.0.0.1' };
    const checked = await t.users.verifyCredentials(email, PASSWORD);
    expect(checked).not.toBeNull();
    await as(t.http.post(`/users/${id}/password`), admin).send({ password: 'reset while signing in' });
    await expect(provider.signIn(checked!, client)).rejects.toMatchObject({ code: 'INVALID_CREDENTIALS' });
    const again = await t.users.verifyCredentials(email, 'reset while signing in');
    await as(t.http.post(`/users/${id}/suspend`), admin);
    await expect(provider.signIn(again!, client)).rejects.toMatchObject({ code: 'INVALID_CREDENTIALS' });
    await as(t.http.post(`/users/${id}/unsuspend`), admin);
    expect(await t.dataSource.getRepository(Session).countBy({ userId: id })).toBe(0);
  });

  it('an event for a rolled-back change never reaches a listener', async () => {
    const { id } = await register(t);
    const heard = jest.fn();
    t.app.get(EventEmitter2).on(UserRolesChangedEvent.eventName, heard);
    const failure = jest.spyOn(EntityManager.prototype, 'findOneOrFail').mockRejectedValueOnce(new Error('fault after the UPDATE'));
    try {
      await expect(t.users.setRoles(id, ['admin'])).rejects.toThrow('fault after the UPDATE');
    } finally {
      failure.mockRestore();
    }
    expect(heard).not.toHaveBeenCalled();
    expect((await t.users.getById(id)).roles).toEqual([]); // the UPDATE was rolled back
    await t.users.setRoles(id, ['auditor']);
    expect(heard).toHaveBeenCalledTimes(1);
  });
});
