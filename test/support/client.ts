import type { Response } from 'supertest';
import type { TestApp } from './test-app.js';

export const PASSWORD = 'correct horse battery staple';
let counter = 0;

export function uniqueEmail(prefix = 'user'): string {
  counter += 1;
  return `${prefix}${counter}.${Date.now()}@example.com`;
}

/** The `name=value` pair of a Set-Cookie header, for sending it back. */
export function cookieFrom(res: Response, name: string): string | undefined {
  const header = res.headers['set-cookie'] as unknown as string[] | undefined;
  const line = header?.find((c) => c.startsWith(`${name}=`));
  return line?.split(';')[0];
}

export async function register(t: TestApp, email = uniqueEmail(), password = PASSWORD): Promise<{ id: string; email: string }> {
  const res = await t.http.post('/auth/register').send({ email, password });
  if (res.status !== 201) throw new Error(`register failed: ${res.status} ${JSON.stringify(res.body)}`);
  return { id: res.body.user.id, email };
}

export type Credential = { kind: 'cookie'; cookies: string[] } | { kind: 'bearer'; token: string; refreshToken?: string };

/** Every `name=value` pair a response set (cleared cookies excluded). */
export function cookiesFrom(res: Response): string[] {
  const header = (res.headers['set-cookie'] as unknown as string[] | undefined) ?? [];
  return header.filter((c) => !/Max-Age=0|Expires=Thu, 01 Jan 1970/i.test(c)).map((c) => c.split(';')[0]);
}

/** Replaces cookies in a jar with the ones a response set (a rotation or a re-encode). */
export function updateCookies(cred: Credential, res: Response): void {
  if (cred.kind !== 'cookie') return;
  for (const pair of cookiesFrom(res)) {
    const name = pair.split('=')[0];
    cred.cookies = [...cred.cookies.filter((c) => c.split('=')[0] !== name), pair];
  }
}

/** Attaches a credential to a supertest request. */
export function as<T extends { set(name: string, value: string | string[]): T }>(req: T, cred: Credential): T {
  return cred.kind === 'cookie' ? req.set('Cookie', cred.cookies) : req.set('Authorization', `Bearer ${cred.token}`);
}

/** Signs in with the browser flow; returns the cookies to send back. */
export async function loginCookie(t: TestApp, email: string, password = PASSWORD): Promise<Credential> {
  const res = await t.http.post('/auth/login').send({ email, password });
  if (res.status !== 200) throw new Error(`login failed: ${res.status} ${JSON.stringify(res.body)}`);
  const cookies = cookiesFrom(res);
  if (cookies.length === 0) throw new Error('login set no session cookie');
  return { kind: 'cookie', cookies };
}

/** Signs in with the token endpoint; returns the bearer credential. */
export async function loginBearer(t: TestApp, email: string, password = PASSWORD): Promise<Credential> {
  const res = await t.http.post('/auth/token').send({ grant_type: 'password', email, password });
  if (res.status !== 200) throw new Error(`token failed: ${res.status} ${JSON.stringify(res.body)}`);
  return { kind: 'bearer', token: res.body.access_token as string, refreshToken: res.body.refresh_token as string | undefined };
}

/** Creates an admin directly through the service, as the CLI does. */
export async function createAdmin(t: TestApp): Promise<{ id: string; email: string }> {
  const user = await t.users.create({ email: uniqueEmail('admin'), password: PASSWORD, roles: ['admin'] });
  return { id: user.id, email: user.email };
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
