import { spawn, type ChildProcess } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { join } from 'node:path';
import request from 'supertest';
import type { Env } from '../../config/index.js';

/** The Redis the tests use; override with TEST_REDIS_URL. */
export const REDIS_SERVER = new URL(process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379');

const MAIN = join(import.meta.dirname, '..', '..', 'dist', 'src', 'main.js');

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** One shared signing key and refresh secret, as a deployment of several JWT instances has. */
export function sharedJwtEnv(): Env {
  const pem = (generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey.export({ format: 'pem', type: 'pkcs8' }) as string).replace(/\n/g, '\\n');
  return { AUTH_JWT_KEYS: pem, AUTH_REFRESH_SECRET: randomBytes(32).toString('base64url') };
}

export interface Instance {
  url: string;
  http: ReturnType<typeof request>;
  output: string[];
  stop(): Promise<void>;
}

/** A real app process (the built reference host) on a loopback port. */
export async function startInstance(env: Env): Promise<Instance> {
  const port = await freePort();
  const child: ChildProcess = spawn(process.execPath, [MAIN], {
    env: { PATH: process.env.PATH, NODE_ENV: 'test', HOST: '127.0.0.1', PORT: String(port), SWAGGER: 'false', LOG_LEVEL: 'warn', LOG_JSON: 'true', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  child.stdout!.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  const url = `http://127.0.0.1:${port}`;
  const http = request(url);
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`instance exited with ${child.exitCode}:\n${output.join('')}`);
    const res = await http.get('/health/live').catch(() => null);
    if (res?.status === 200) break;
    if (Date.now() > deadline) throw new Error(`instance did not start:\n${output.join('')}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    url,
    http,
    output,
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** Polls until `check` holds; returns how long it took (ms) or throws after `withinMs`. */
export async function timeUntil(check: () => Promise<boolean>, withinMs: number, started = Date.now()): Promise<number> {
  for (;;) {
    if (await check()) return Date.now() - started;
    if (Date.now() - started > withinMs) throw new Error(`not true within ${withinMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}
