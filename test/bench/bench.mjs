// npm run bench: throughput of an unguarded route and of an authenticated read for our strategies
// (both databases, session cache off and on) and for two peers, in one table and an SVG chart.
//   BENCH_MODE=scale   lookup latency and CPU at 1,000 and 1,000,000 session rows, purge cost
//   BENCH_MODE=signin  sign-ins per second, and /auth/me p99 alone vs during a sign-in burst
// Knobs: BENCH_SECONDS, BENCH_ROUNDS, BENCH_CONNECTIONS, BENCH_MARIADB_URL, BENCH_ONLY=<name part>.
import autocannon from 'autocannon';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createConnection } from 'mysql2/promise';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 2);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 11);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 16);
const MARIADB = new URL(process.env.BENCH_MARIADB_URL ?? 'mariadb://root@127.0.0.1:3306');
const MODE = process.env.BENCH_MODE ?? 'compare';
const PASSWORD = 'correct horse battery staple';
const CLOCK_TICKS = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;
const json = { 'content-type': 'application/json' };
// On a machine with two or more cores, the load generator and the server under test each get one,
// so they do not take turns on the same core (BENCH_PIN=false to let the scheduler decide).
const PIN = process.env.BENCH_PIN !== 'false' && availableParallelism() >= 2 && existsSync('/usr/bin/taskset');
if (PIN) execFileSync('taskset', ['-cp', '0', String(process.pid)], { stdio: 'ignore' });

const server = () => ({ host: MARIADB.hostname, port: Number(MARIADB.port || 3306), user: decodeURIComponent(MARIADB.username), password: decodeURIComponent(MARIADB.password) });

async function mariadbDatabase() {
  const name = `auth_bench_${process.pid}_${Math.floor(Math.random() * 1e6)}`;
  const conn = await createConnection(server());
  await conn.query(`CREATE DATABASE \`${name}\``);
  await conn.end();
  const auth = MARIADB.username ? `${MARIADB.username}:${MARIADB.password}@` : '';
  return {
    name,
    url: `mariadb://${auth}${MARIADB.host}/${name}`,
    drop: async () => {
      const c = await createConnection(server());
      await c.query(`DROP DATABASE IF EXISTS \`${name}\``);
      await c.end();
    },
  };
}

/** Server-side statement counters (all connections): statements per request for the MariaDB rows. */
async function statements() {
  const conn = await createConnection(server());
  const [rows] = await conn.query("SHOW GLOBAL STATUS WHERE Variable_name IN ('Com_select','Com_insert','Com_update','Com_delete','Com_insert_select')");
  await conn.end();
  return rows.reduce((sum, row) => sum + Number(row.Value), 0) - 1; // our own SHOW is not one of them
}

async function start(command, env, ready = '/') {
  const port = 20000 + Math.floor(Math.random() * 20000);
  const dir = mkdtempSync(join(tmpdir(), 'auth-bench-'));
  const [file, args] = PIN ? ['taskset', ['-c', '1', process.execPath, ...command]] : [process.execPath, command];
  const child = spawn(file, args, {
    env: {
      PATH: process.env.PATH,
      NODE_ENV: 'development',
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'error',
      SWAGGER: 'false',
      AUTH_JWT_DEV_KEY_FILE: join(dir, 'keys.json'),
      DATABASE_URL: `sqlite:${join(dir, 'bench.sqlite')}`,
      AUTH_THROTTLE_IP_PER_MINUTE: '1000000',
      AUTH_THROTTLE_ACCOUNT_PER_15M: '1000000',
      ...env,
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 150; i++) {
    try {
      if ((await fetch(`${base}${ready}`)).status < 500) break;
    } catch {}
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    base,
    pid: child.pid,
    stop: () =>
      new Promise((r) => {
        child.once('exit', r);
        child.kill('SIGTERM');
      }).then(() => rmSync(dir, { recursive: true, force: true })),
  };
}

const ours = (env) => start(['dist/src/main.js'], env, '/health/live');

async function ourCredential(base) {
  const email = `bench${Date.now()}${Math.random().toString(36).slice(2, 6)}@example.com`;
  await fetch(`${base}/auth/register`, { method: 'POST', headers: json, body: JSON.stringify({ email, password: PASSWORD }) });
  const res = await fetch(`${base}/auth/token`, { method: 'POST', headers: json, body: JSON.stringify({ grant_type: 'password', email, password: PASSWORD }) });
  return { headers: { authorization: `Bearer ${(await res.json()).access_token}` }, email };
}

function median(results) {
  const mid = (values) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)];
  return { rps: mid(results.map((r) => r.rps)), p50: mid(results.map((r) => r.p50)), p99: mid(results.map((r) => r.p99)), cpu: mid(results.map((r) => r.cpu)) };
}

/** CPU time (user + system) the server process has used, in microseconds. */
function cpuMicros(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1e6) / CLOCK_TICKS;
}

function load(target, path, { headers = {}, method = 'GET', body, connections = CONNECTIONS, seconds = SECONDS } = {}) {
  const before = cpuMicros(target.pid);
  return new Promise((resolve, reject) => {
    autocannon({ url: `${target.base}${path}`, connections, duration: seconds, headers, method, body }, (err, result) => {
      if (err) return reject(err);
      if (result.non2xx > 0 || result.errors > 0) return reject(new Error(`${path}: ${result.non2xx} non-2xx, ${result.errors} errors`));
      // Server CPU per request is steadier than req/s on a shared machine.
      const cpu = (cpuMicros(target.pid) - before) / result.requests.total;
      resolve({ rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, cpu, total: result.requests.total });
    });
  });
}

/** Alternates the unguarded and the guarded route and keeps the medians, so drift on a shared machine hits both alike. */
async function compare(target, guardedPath, headers, countStatements) {
  await load(target, '/', { seconds: 2 });
  await load(target, guardedPath, { headers, seconds: 2 });
  const opens = [];
  const guardeds = [];
  let perRequest = null;
  const ratios = [];
  for (let i = 0; i < ROUNDS; i++) {
    // Back to back, in alternating order, so drift and the order itself hit both routes alike.
    const pair = {};
    for (const route of i % 2 === 0 ? ['open', 'guarded'] : ['guarded', 'open']) {
      if (route === 'open') pair.open = await load(target, '/');
      else {
        const before = countStatements ? await statements() : 0;
        pair.guarded = await load(target, guardedPath, { headers });
        if (countStatements) perRequest = (await statements() - before) / pair.guarded.total;
      }
    }
    opens.push(pair.open);
    guardeds.push(pair.guarded);
    ratios.push(pair.open.cpu / pair.guarded.cpu);
  }
  const sorted = [...ratios].sort((a, b) => a - b);
  // The ratio of each back-to-back pair, then their median: steadier than a ratio of two medians.
  const cpuRatio = { median: sorted[Math.floor(sorted.length / 2)], min: sorted[0], max: sorted[sorted.length - 1] };
  return { open: median(opens), guarded: median(guardeds), perRequest, cpuRatio };
}

async function compareMode() {
  const scenarios = [
    { name: 'ours: database / SQLite', env: { AUTH_STRATEGY: 'database' }, sql: '1' },
    { name: 'ours: database / SQLite, cache 30s', env: { AUTH_STRATEGY: 'database', AUTH_SESSION_CACHE_TTL: '30s' }, sql: '≈0' },
    { name: 'ours: database / MariaDB', env: { AUTH_STRATEGY: 'database' }, mariadb: true },
    { name: 'ours: database / MariaDB, cache 30s', env: { AUTH_STRATEGY: 'database', AUTH_SESSION_CACHE_TTL: '30s' }, mariadb: true },
    { name: 'ours: jwt ES256 / SQLite', env: { AUTH_STRATEGY: 'jwt' }, sql: '0' },
    { name: 'ours: jwt ES256 / MariaDB', env: { AUTH_STRATEGY: 'jwt' }, mariadb: true },
    { name: 'peer: express-session + express-mysql-session / MariaDB', peer: 'express', mariadb: true },
    { name: 'peer: NestJS docs JWT recipe (HS256 string secret)', peer: 'nest-jwt', sql: '0' },
  ];
  const rows = [];
  for (const scenario of scenarios.filter((s) => !process.env.BENCH_ONLY || s.name.includes(process.env.BENCH_ONLY))) {
    const db = scenario.mariadb ? await mariadbDatabase() : undefined;
    let target;
    try {
      let path = '/auth/me';
      let headers;
      if (scenario.peer === 'express') {
        target = await start(['test/bench/peers/express-session-app.mjs'], { DATABASE_URL: db.url });
        await fetch(`${target.base}/register`, { method: 'POST', headers: json, body: JSON.stringify({ email: 'peer@example.com', password: PASSWORD }) });
        const login = await fetch(`${target.base}/login`, { method: 'POST', headers: json, body: JSON.stringify({ email: 'peer@example.com', password: PASSWORD }) });
        headers = { cookie: login.headers.get('set-cookie').split(';')[0] };
        path = '/me';
      } else if (scenario.peer === 'nest-jwt') {
        target = await start(['dist/test/bench/peers/nest-jwt-recipe.js'], {});
        const login = await fetch(`${target.base}/auth/login`, { method: 'POST', headers: json, body: JSON.stringify({ username: 'john', password: 'changeme' }) });
        headers = { authorization: `Bearer ${(await login.json()).access_token}` };
        path = '/profile';
      } else {
        target = await ours({ ...scenario.env, ...(db ? { DATABASE_URL: db.url } : {}) });
        headers = (await ourCredential(target.base)).headers;
      }
      const result = await compare(target, path, headers, Boolean(db));
      const sql = db ? result.perRequest.toFixed(2) : scenario.sql;
      rows.push({ scenario: scenario.name, ...result, sql });
      console.log(`${scenario.name}: ratio ${(result.guarded.rps / result.open.rps).toFixed(2)} by req/s, ${result.cpuRatio.median.toFixed(2)} by CPU (rounds ${result.cpuRatio.min.toFixed(2)}–${result.cpuRatio.max.toFixed(2)}), ${sql} SQL/request`);
    } finally {
      await target?.stop();
      await db?.drop();
    }
  }
  const table = [
    `${CONNECTIONS} connections, ${ROUNDS} rounds of back-to-back ${SECONDS} s runs of each route (order alternating), each server in its own process${PIN ? ' pinned to its own core (the load generator on the other)' : ''}; CPU is the server's user+system time per request. Columns: medians over the rounds; ratio by CPU: the median of each round's ratio (its range in brackets).`,
    '',
    '| setup | unguarded req/s | CPU µs/req | authenticated read req/s | p99 ms | CPU µs/req | SQL per read | ratio by req/s | ratio by CPU |',
    '|---|---|---|---|---|---|---|---|---|',
    ...rows.map(
      ({ scenario, open, guarded, sql, cpuRatio }) =>
        `| ${scenario} | ${open.rps.toFixed(0)} | ${open.cpu.toFixed(0)} | ${guarded.rps.toFixed(0)} | ${guarded.p99} | ${guarded.cpu.toFixed(0)} | ${sql} | **${(guarded.rps / open.rps).toFixed(2)}** | **${cpuRatio.median.toFixed(2)}** (${cpuRatio.min.toFixed(2)}–${cpuRatio.max.toFixed(2)}) |`,
    ),
  ].join('\n');
  console.log(`\n${table}\n`);
  if (!process.env.BENCH_ONLY) {
    writeFileSync('test/bench/results.md', `${table}\n`);
    writeFileSync('test/bench/results.svg', chart(rows));
    console.log('wrote test/bench/results.md and test/bench/results.svg');
  }
}

/** A horizontal bar chart: authenticated-read req/s per setup, with the CPU ratio written at the end of each bar. */
function chart(rows) {
  const width = 960;
  const left = 360;
  const bar = 22;
  const gap = 12;
  const top = 40;
  const height = top + rows.length * (bar + gap) + 30;
  const max = Math.max(...rows.map((r) => r.open.rps));
  const x = (value) => ((width - left - 180) * value) / max;
  const esc = (text) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;');
  const bars = rows
    .map((r, i) => {
      const y = top + i * (bar + gap);
      const ratio = r.cpuRatio.median;
      const color = r.scenario.startsWith('peer') ? '#9aa5b1' : '#2f6fdf';
      return [
        `<text x="${left - 8}" y="${y + bar * 0.7}" text-anchor="end" font-size="12">${esc(r.scenario)}</text>`,
        `<rect x="${left}" y="${y}" width="${x(r.open.rps).toFixed(1)}" height="${bar / 3}" fill="#d9dee4"/>`,
        `<rect x="${left}" y="${y + bar / 3}" width="${x(r.guarded.rps).toFixed(1)}" height="${(bar * 2) / 3}" fill="${color}"/>`,
        `<text x="${left + x(Math.max(r.guarded.rps, r.open.rps)) + 6}" y="${y + bar * 0.75}" font-size="12">${r.guarded.rps.toFixed(0)} req/s · ratio ${ratio.toFixed(2)}</text>`,
      ].join('');
    })
    .join('\n');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif">
<rect width="100%" height="100%" fill="white"/>
<text x="10" y="20" font-size="14" font-weight="bold">Authenticated read: req/s (blue bar), ratio to the unguarded route by CPU (label); grey: unguarded req/s</text>
${bars}
</svg>
`;
}

async function scaleMode() {
  const db = await mariadbDatabase();
  const target = await ours({ AUTH_STRATEGY: 'database', DATABASE_URL: db.url, AUTH_SESSION_PURGE_INTERVAL: '24h' });
  const conn = await createConnection({ ...server(), database: db.name });
  try {
    const { headers } = await ourCredential(target.base);
    const [[user]] = await conn.query('SELECT id FROM users LIMIT 1');
    const results = [];
    let seeded = 1;
    for (const size of [1_000, 20_000, 1_000_000]) {
      // Bulk insert, 5,000 rows a statement, live sessions with random token hashes.
      while (seeded < size) {
        const batch = Math.min(5_000, size - seeded);
        const values = [];
        for (let i = 0; i < batch; i++) values.push(`(UUID(), '${user.id}', SHA2(UUID(), 256), NOW(3), NOW(3), NOW(3) + INTERVAL 1 DAY, NOW(3) + INTERVAL 30 DAY, NULL, NULL, NULL, NULL, 0, NULL)`);
        await conn.query(
          `INSERT INTO sessions (id, user_id, token_hash, created_at, last_seen_at, idle_expires_at, absolute_expires_at, revoked_at, revoked_reason, user_agent, ip, generation, rotation_nonce) VALUES ${values.join(',')}`,
        );
        seeded += batch;
      }
      const row = { size };
      if (size !== 20_000) {
        await load(target, '/auth/me', { headers, seconds: 2 });
        Object.assign(row, median([await load(target, '/auth/me', { headers }), await load(target, '/auth/me', { headers }), await load(target, '/auth/me', { headers })]));
        console.log(`${size} sessions: /auth/me p50 ${row.p50} ms, p99 ${row.p99} ms, ${row.cpu.toFixed(0)} µs CPU/request, ${row.rps.toFixed(0)} req/s`);
      }
      if (size >= 20_000) {
        // 10,000 of them expired two days ago, deleted by the service's own batched purge (nest-auth session:purge).
        await conn.query(`UPDATE sessions SET idle_expires_at = NOW(3) - INTERVAL 2 DAY WHERE id IN (SELECT id FROM (SELECT id FROM sessions WHERE user_agent IS NULL LIMIT 10000) AS pick)`);
        const out = execFileSync(process.execPath, ['dist/src/cli.js', 'session:purge'], { env: { PATH: process.env.PATH, DATABASE_URL: db.url } }).toString();
        row.purgeMs = Number(/in (\d+) ms/.exec(out)?.[1]);
        seeded -= 10_000;
        console.log(`purge of 10,000 expired rows among ${size}: ${out.trim()}`);
      }
      results.push(row);
    }
    console.log('\n| sessions in the table | /auth/me p50 ms | p99 ms | CPU µs/request | req/s | purge of 10,000 expired rows |\n|---|---|---|---|---|---|');
    const cell = (v, f = (x) => x) => (v === undefined ? '—' : f(v));
    for (const r of results) {
      console.log(`| ${r.size.toLocaleString('en')} | ${cell(r.p50)} | ${cell(r.p99)} | ${cell(r.cpu, (x) => x.toFixed(0))} | ${cell(r.rps, (x) => x.toFixed(0))} | ${cell(r.purgeMs, (x) => `${x} ms`)} |`);
    }
  } finally {
    await conn.end();
    await target.stop();
    await db.drop();
  }
}

async function signinMode() {
  const target = await ours({ AUTH_STRATEGY: 'database' });
  try {
    const { headers, email } = await ourCredential(target.base);
    const body = JSON.stringify({ email, password: PASSWORD });
    const alone = await load(target, '/auth/me', { headers, connections: 8 });
    const signins = load(target, '/auth/login', { method: 'POST', headers: json, body, connections: 8 });
    const during = await load(target, '/auth/me', { headers, connections: 8 });
    const burst = await signins;
    console.log(`sign-ins: ${burst.rps.toFixed(1)}/s (8 concurrent, argon2id 19 MiB t=2 p=1), p99 ${burst.p99} ms`);
    console.log(`/auth/me p99 alone ${alone.p99} ms (${alone.rps.toFixed(0)} req/s); during the sign-in burst ${during.p99} ms (${during.rps.toFixed(0)} req/s)`);
  } finally {
    await target.stop();
  }
}

if (MODE === 'scale') await scaleMode();
else if (MODE === 'signin') await signinMode();
else await compareMode();
