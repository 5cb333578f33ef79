// Throughput of an unguarded route and of GET /auth/me under each strategy, in one run.
// Usage: npm run bench   (BENCH_SECONDS, BENCH_ROUNDS, BENCH_CONNECTIONS, BENCH_MARIADB_URL, BENCH_ONLY=<name part> to adjust)
import autocannon from 'autocannon';
import { spawn } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createConnection } from 'mysql2/promise';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 16);
const MARIADB = new URL(process.env.BENCH_MARIADB_URL ?? 'mariadb://root@127.0.0.1:3306');
const PASSWORD = 'correct horse battery staple';
const CLOCK_TICKS = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;

async function mariadbDatabase() {
  try {
    const conn = await createConnection({ host: MARIADB.hostname, port: Number(MARIADB.port || 3306), user: MARIADB.username, password: MARIADB.password });
    const name = `auth_bench_${process.pid}`;
    await conn.query(`DROP DATABASE IF EXISTS \`${name}\``);
    await conn.query(`CREATE DATABASE \`${name}\``);
    await conn.end();
    const auth = MARIADB.username ? `${MARIADB.username}:${MARIADB.password}@` : '';
    return {
      url: `mariadb://${auth}${MARIADB.host}/${name}`,
      drop: async () => {
        const c = await createConnection({ host: MARIADB.hostname, port: Number(MARIADB.port || 3306), user: MARIADB.username, password: MARIADB.password });
        await c.query(`DROP DATABASE IF EXISTS \`${name}\``);
        await c.end();
      },
    };
  } catch {
    return undefined;
  }
}

async function startServer(env) {
  const port = 20000 + Math.floor(Math.random() * 20000);
  const dir = mkdtempSync(join(tmpdir(), 'auth-bench-'));
  const child = spawn(process.execPath, ['dist/src/main.js'], {
    env: {
      ...process.env,
      NODE_ENV: 'development',
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'error',
      SWAGGER: 'false',
      AUTH_JWT_DEV_KEY_FILE: join(dir, 'keys.json'),
      DATABASE_URL: `sqlite:${join(dir, 'bench.sqlite')}`,
      ...env,
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 100; i++) {
    try {
      if ((await fetch(`${base}/health/live`)).ok) break;
    } catch {}
    await new Promise((r) => setTimeout(r, 200));
  }
  return { base, pid: child.pid, stop: () => new Promise((r) => { child.once('exit', r); child.kill('SIGTERM'); }).then(() => rmSync(dir, { recursive: true, force: true })) };
}

async function bearerFor(base) {
  const email = `bench${Date.now()}@example.com`;
  const json = { 'content-type': 'application/json' };
  await fetch(`${base}/auth/register`, { method: 'POST', headers: json, body: JSON.stringify({ email, password: PASSWORD }) });
  const res = await fetch(`${base}/auth/token`, { method: 'POST', headers: json, body: JSON.stringify({ grant_type: 'password', email, password: PASSWORD }) });
  return (await res.json()).access_token;
}

function median(results) {
  const mid = (values) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)];
  return { rps: mid(results.map((r) => r.rps)), p99: mid(results.map((r) => r.p99)), cpu: mid(results.map((r) => r.cpu)) };
}

/** CPU time (user + system) the server process has used, in microseconds. */
function cpuMicros(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1e6) / CLOCK_TICKS;
}

function run(server, path, headers = {}) {
  const before = cpuMicros(server.pid);
  return new Promise((resolve, reject) => {
    autocannon({ url: `${server.base}${path}`, connections: CONNECTIONS, duration: SECONDS, headers }, (err, result) => {
      if (err) return reject(err);
      if (result.non2xx > 0 || result.errors > 0) return reject(new Error(`${path}: ${result.non2xx} non-2xx, ${result.errors} errors`));
      // Server CPU per request is steadier than req/s on a shared machine.
      const cpu = (cpuMicros(server.pid) - before) / result.requests.total;
      resolve({ rps: result.requests.average, p99: result.latency.p99, cpu });
    });
  });
}

const scenarios = [
  { name: 'database / SQLite', env: { AUTH_STRATEGY: 'database' } },
  { name: 'jwt (ES256) / SQLite', env: { AUTH_STRATEGY: 'jwt', AUTH_JWT_ALGORITHM: 'ES256' } },
  { name: 'jwt (EdDSA) / SQLite', env: { AUTH_STRATEGY: 'jwt', AUTH_JWT_ALGORITHM: 'EdDSA' } },
  { name: 'database / MariaDB', env: { AUTH_STRATEGY: 'database' }, mariadb: true },
  { name: 'jwt (ES256) / MariaDB', env: { AUTH_STRATEGY: 'jwt', AUTH_JWT_ALGORITHM: 'ES256' }, mariadb: true },
];

const only = process.env.BENCH_ONLY;
const rows = [];
for (const scenario of scenarios.filter((s) => !only || s.name.includes(only))) {
  const db = scenario.mariadb ? await mariadbDatabase() : undefined;
  if (scenario.mariadb && !db) {
    console.log(`skipping ${scenario.name}: MariaDB not reachable`);
    continue;
  }
  const server = await startServer({ ...scenario.env, ...(db ? { DATABASE_URL: db.url } : {}) });
  try {
    const token = await bearerFor(server.base);
    await run(server, '/'); // warm-up
    await run(server, '/auth/me', { authorization: `Bearer ${token}` });
    // Alternate the two routes and keep the median, so drift on a shared machine hits both alike.
    const opens = [];
    const guardeds = [];
    for (let i = 0; i < ROUNDS; i++) {
      opens.push(await run(server, '/'));
      guardeds.push(await run(server, '/auth/me', { authorization: `Bearer ${token}` }));
    }
    const open = median(opens);
    const guarded = median(guardeds);
    rows.push({ scenario: scenario.name, open, guarded });
    console.log(
      `${scenario.name}: unguarded ${open.rps.toFixed(0)} req/s (${open.cpu.toFixed(0)} µs CPU), /auth/me ${guarded.rps.toFixed(0)} req/s (${guarded.cpu.toFixed(0)} µs CPU), ratio ${(guarded.rps / open.rps).toFixed(2)} by req/s, ${(open.cpu / guarded.cpu).toFixed(2)} by CPU`,
    );
  } finally {
    await server.stop();
    await db?.drop();
  }
}

console.log(`\n${CONNECTIONS} connections, median of ${ROUNDS} alternating ${SECONDS} s runs per route, server in its own process\n`);
console.log('| strategy / database | unguarded `GET /` req/s | p99 ms | CPU µs/req | `GET /auth/me` req/s | p99 ms | CPU µs/req | ratio by req/s | ratio by CPU |');
console.log('|---|---|---|---|---|---|---|---|---|');
for (const { scenario, open, guarded } of rows) {
  console.log(
    `| ${scenario} | ${open.rps.toFixed(0)} | ${open.p99} | ${open.cpu.toFixed(0)} | ${guarded.rps.toFixed(0)} | ${guarded.p99} | ${guarded.cpu.toFixed(0)} | **${(guarded.rps / open.rps).toFixed(2)}** | **${(open.cpu / guarded.cpu).toFixed(2)}** |`,
  );
}
