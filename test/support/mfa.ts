import { afterAll, afterEach, beforeAll, beforeEach, jest } from '@jest/globals';
import { generate } from 'otplib';
import type { Response } from 'supertest';
import { Clock } from '../../src/index.js';
import { PASSWORD, as, cookiesFrom, updateCookies, type Credential } from './client.js';
import type { TestApp } from './test-app.js';

/** What the helpers need of an app: the real AppModule (TestApp) or a bare host. */
export type Host = Pick<TestApp, 'app' | 'http'>;

export const STEP_MS = 30_000;
export const MINUTE_MS = 60_000;

/** A session cookie of either strategy (`sid`; `at` and `rt`), with or without the secure prefixes. */
export const SESSION_COOKIE = /^(?:__Host-|__Secure-)?(?:sid|at|rt)=/;

/** The RFC 6238 code (SHA-1, 6 digits, 30 s) of a base32 secret at a time in ms. */
export function totpCode(secret: string, atMs: number): Promise<string> {
  return generate({ secret, epoch: Math.floor(atMs / 1000) });
}

/** The code for the app's own time (its Clock, moved by the test or not). */
export function currentCode(host: Host, secret: string): Promise<string> {
  return totpCode(secret, host.app.get(Clock).now());
}

/** Six digits valid at no step within two of the app's time: wrong whatever window the server allows. */
export async function wrongCode(host: Host, secret: string): Promise<string> {
  const now = host.app.get(Clock).now();
  const near = new Set(await Promise.all([-2, -1, 0, 1, 2].map((k) => totpCode(secret, now + k * STEP_MS))));
  let n = Number(await totpCode(secret, now));
  let candidate: string;
  do {
    n = (n + 1) % 1_000_000;
    candidate = String(n).padStart(6, '0');
  } while (near.has(candidate));
  return candidate;
}

export interface TestClock {
  now(): number;
  advance(ms: number): number;
  /** The next 30 s step: a code computed for it has not been used by anyone yet. */
  nextStep(): number;
  restore(): void;
}

/**
 * Freezes the app's injected Clock (never the system clock) at `startMs`, by default one second
 * into the current 30 s step; the test moves it explicitly.
 */
export function useClock(host: Host, startMs = Math.floor(Date.now() / STEP_MS) * STEP_MS + 1000): TestClock {
  let now = startMs;
  const spy = jest.spyOn(host.app.get(Clock), 'now').mockImplementation(() => now);
  return {
    now: () => now,
    advance: (ms) => (now += ms),
    nextStep: () => (now += STEP_MS),
    restore: () => spy.mockRestore(),
  };
}

export interface Enrolment {
  secret: string;
  otpauthUrl: string;
  recoveryCodes: string[];
  /** The confirmation's response (cookies already applied to the credential). */
  confirm: Response;
}

/** Turns TOTP on for the signed-in user: start with the password, confirm with the code for the app's current time. */
export async function enrolTotp(host: Host, cred: Credential, password = PASSWORD): Promise<Enrolment> {
  const start = await as(host.http.post('/auth/mfa/totp'), cred).send({ password });
  if (start.status !== 200) throw new Error(`TOTP enrolment failed: ${start.status} ${JSON.stringify(start.body)}`);
  const confirm = await as(host.http.post('/auth/mfa/totp/confirm'), cred).send({ code: await currentCode(host, start.body.secret) });
  if (confirm.status !== 200) throw new Error(`TOTP confirmation failed: ${confirm.status} ${JSON.stringify(confirm.body)}`);
  updateCookies(cred, confirm);
  return { secret: start.body.secret, otpauthUrl: start.body.otpauthUrl, recoveryCodes: confirm.body.recoveryCodes, confirm };
}

/** Step one of a browser sign-in for a user with TOTP on: the pending token. */
export async function beginLogin(host: Host, email: string, password = PASSWORD): Promise<string> {
  const res = await host.http.post('/auth/login').send({ email, password });
  if (res.status !== 200 || res.body.mfaRequired !== true) throw new Error(`expected a second step: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.mfaToken as string;
}

export type Proof = { code: string } | { recoveryCode: string };

/** Step two: POST /auth/mfa/verify. */
export function verifyMfa(host: Host, mfaToken: string, proof: Proof) {
  return host.http.post('/auth/mfa/verify').send({ mfaToken, ...proof });
}

/** Both steps of the browser sign-in; a bare string is a TOTP code. Returns the session cookies. */
export async function loginTwoStep(host: Host, email: string, proof: string | Proof): Promise<Credential> {
  const res = await verifyMfa(host, await beginLogin(host, email), typeof proof === 'string' ? { code: proof } : proof);
  if (res.status !== 200) throw new Error(`second step failed: ${res.status} ${JSON.stringify(res.body)}`);
  const cookies = cookiesFrom(res);
  if (cookies.length === 0) throw new Error('the second step set no session cookie');
  return { kind: 'cookie', cookies };
}

/** Step one at the token endpoint: the 403 mfa_required answer's `mfa_token`. */
export async function beginToken(host: Host, email: string, password = PASSWORD): Promise<string> {
  const res = await host.http.post('/auth/token').send({ grant_type: 'password', email, password });
  if (res.status !== 403 || typeof res.body.mfa_token !== 'string') throw new Error(`expected mfa_required: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.mfa_token as string;
}

/** Both steps at the token endpoint (grant_type mfa_otp); returns the bearer credential. */
export async function tokenTwoStep(host: Host, email: string, otp: string): Promise<Credential> {
  const res = await host.http.post('/auth/token').send({ grant_type: 'mfa_otp', mfa_token: await beginToken(host, email), otp });
  if (res.status !== 200) throw new Error(`mfa_otp grant failed: ${res.status} ${JSON.stringify(res.body)}`);
  return { kind: 'bearer', token: res.body.access_token as string, refreshToken: res.body.refresh_token as string | undefined };
}

export const me = (host: Host, cred: Credential) => as(host.http.get('/auth/me'), cred);

/** RFC 4648 base32, padding optional: the raw key behind an authenticator secret. */
export function base32Decode(text: string): Buffer {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = 0;
  let value = 0;
  const out: number[] = [];
  for (const char of text.toUpperCase().replace(/=+$/, '')) {
    const index = alphabet.indexOf(char);
    if (index < 0) throw new Error(`not base32: ${char}`);
    value = (value << 5) | index;
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return Buffer.from(out);
}

/** The tables the module's second factor uses, named in the specification. */
export const MFA_TABLES = ['user_totp', 'recovery_codes', 'mfa_challenges'];

/**
 * Every row of every table, as one JSON text; binary columns appear both as text and as hex,
 * so a secret stored raw in a blob is found too.
 */
export async function dumpDatabase(t: TestApp): Promise<{ text: string; tables: Record<string, Array<Record<string, unknown>>> }> {
  const names = [...new Set([...t.dataSource.entityMetadatas.map((m) => m.tableName), ...MFA_TABLES])];
  const tables: Record<string, Array<Record<string, unknown>>> = {};
  for (const name of names) tables[name] = await t.dataSource.query(`SELECT * FROM ${t.dataSource.driver.escape(name)}`);
  const text = JSON.stringify(tables, (_key, value: unknown) => {
    if (value && typeof value === 'object' && (value as { type?: unknown }).type === 'Buffer' && Array.isArray((value as { data?: unknown }).data)) {
      const buffer = Buffer.from((value as { data: number[] }).data);
      return `${buffer.toString('latin1')} ${buffer.toString('hex')} ${buffer.toString('base64')}`;
    }
    return value;
  });
  return { text, tables };
}

/** One app (or bare host) for a describe block, its injected clock frozen around each test. */
export function withFrozenClock<T extends Host & { close(): Promise<void> }>(start: () => Promise<T>): { t: T; clock: TestClock } {
  const ctx = {} as { t: T; clock: TestClock };
  beforeAll(async () => {
    ctx.t = await start();
  });
  afterAll(async () => {
    await ctx.t?.close();
  });
  beforeEach(() => {
    ctx.clock = useClock(ctx.t);
  });
  afterEach(() => {
    ctx.clock?.restore();
  });
  return ctx;
}
