// Starts the built app (dist/main.js) as a child process, on a free port, with a fresh SQLite file.
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer().once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/**
 * @param {{ strategy: 'database' | 'jwt', accessTtl?: string }} options
 * Children run in a temp directory, so a developer's .env or data/ never leaks into a test.
 */
export async function startApp({ strategy, accessTtl = '5m' }) {
  const dir = await mkdtemp(join(tmpdir(), `notes-app-${strategy}-`));
  const port = await freePort();
  const env = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    NODE_ENV: 'development',
    PORT: String(port),
    DATABASE_URL: `sqlite:${join(dir, 'notes.sqlite')}`,
    AUTH_STRATEGY: strategy,
    AUTH_COOKIE_SECURE: 'false',
    ...(strategy === 'jwt' ? { AUTH_JWT_DEV_KEY_FILE: join(dir, 'jwt-dev-keys.json'), AUTH_JWT_ACCESS_TTL: accessTtl } : {}),
  };
  const child = spawn(process.execPath, [join(root, 'dist/main.js')], { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  const exited = new Promise((resolve) => child.once('exit', resolve));

  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`app exited with ${child.exitCode}:\n${output}`);
    if (Date.now() > deadline) {
      child.kill();
      throw new Error(`app did not answer within 30 s:\n${output}`);
    }
    const ok = await fetch(`${url}/public/hello`).then((r) => r.ok, () => false);
    if (ok) break;
    await new Promise((r) => setTimeout(r, 200));
  }

  return {
    url,
    port,
    env,
    dir,
    output: () => output,
    /** Runs the package's `nest-auth` admin CLI against the same database; the password goes to stdin. */
    async nestAuth(args, stdin = '') {
      const cli = spawn(join(root, 'node_modules/.bin/nest-auth'), args, { cwd: dir, env, stdio: ['pipe', 'pipe', 'pipe'] });
      let out = '';
      cli.stdout.on('data', (chunk) => (out += chunk));
      cli.stderr.on('data', (chunk) => (out += chunk));
      cli.stdin.end(stdin);
      const code = await new Promise((resolve) => cli.once('exit', resolve));
      return { code, output: out };
    },
    async stop() {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await exited;
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** A minimal cookie jar for one client: enough for HttpOnly session cookies on one host. */
export class Client {
  cookies = new Map();

  constructor(baseUrl) {
    this.baseUrl = baseUrl;
  }

  async request(method, path, { body, headers = {} } = {}) {
    const cookie = [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
    const res = await fetch(this.baseUrl + path, {
      method,
      headers: { ...(body !== undefined && { 'content-type': 'application/json' }), ...(cookie && { cookie }), ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    for (const line of res.headers.getSetCookie()) {
      const [pair, ...attributes] = line.split(';');
      const name = pair.slice(0, pair.indexOf('='));
      const value = pair.slice(pair.indexOf('=') + 1);
      const expired = value === '' || attributes.some((a) => /^\s*max-age=0$/i.test(a) || (/^\s*expires=/i.test(a) && Date.parse(a.split('=')[1]) < Date.now()));
      if (expired) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    const text = await res.text();
    let json = null;
    try {
      json = text ? JSON.parse(text) : null;
    } catch {
      // not JSON: leave json null, the test looks at text
    }
    return { status: res.status, headers: res.headers, json, text };
  }

  get(path, options) {
    return this.request('GET', path, options);
  }

  post(path, body, options) {
    return this.request('POST', path, { ...options, body });
  }
}
