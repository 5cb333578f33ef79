// CPU profile of the authenticated read: node test/bench/profile.mjs <database|jwt> <cache ttl, e.g. 0s or 30s> [DATABASE_URL]
// Runs the built service under --cpu-prof, loads GET /auth/me for 8 s, prints the top functions by self time.
import autocannon from 'autocannon';
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
const [strategy, cache, dbUrl] = process.argv.slice(2);
const dir = mkdtempSync(join(tmpdir(), 'auth-profile-'));
const port = 31000 + Math.floor(Math.random() * 1000);
const child = spawn(process.execPath, ['--cpu-prof', `--cpu-prof-dir=${dir}`, 'dist/src/main.js'], { env: { PATH: process.env.PATH, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'error', SWAGGER: 'false', AUTH_STRATEGY: strategy, AUTH_SESSION_CACHE_TTL: cache, DATABASE_URL: dbUrl ?? `sqlite:${dir}/db.sqlite`, AUTH_JWT_DEV_KEY_FILE: `${dir}/k.json`, AUTH_THROTTLE_IP_PER_MINUTE: '100000' }, stdio: 'inherit' });
const base = `http://127.0.0.1:${port}`;
for (let i = 0; i < 100; i++) { try { if ((await fetch(`${base}/health/live`)).ok) break; } catch {} await new Promise((r) => setTimeout(r, 200)); }
const json = { 'content-type': 'application/json' };
await fetch(`${base}/auth/register`, { method: 'POST', headers: json, body: JSON.stringify({ email: 'p@example.com', password: 'correct horse battery staple' }) });
const t = await (await fetch(`${base}/auth/token`, { method: 'POST', headers: json, body: JSON.stringify({ grant_type: 'password', email: 'p@example.com', password: 'correct horse battery staple' }) })).json();
await new Promise((r) => autocannon({ url: `${base}/auth/me`, connections: 16, duration: 8, headers: { authorization: `Bearer ${t.access_token}` } }, r));
await new Promise((r) => { child.once('exit', r); child.kill('SIGINT'); });
const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
const prof = JSON.parse(readFileSync(join(dir, file), 'utf8'));
const self = new Map();
const dt = prof.timeDeltas; const byId = new Map(prof.nodes.map((n) => [n.id, n]));
const counts = new Map();
prof.samples.forEach((id, i) => counts.set(id, (counts.get(id) ?? 0) + (dt[i] ?? 0)));
let total = 0;
for (const [id, us] of counts) { const n = byId.get(id); const key = `${n.callFrame.functionName || '(anon)'} ${n.callFrame.url.split('/').slice(-3).join('/')}:${n.callFrame.lineNumber}`; self.set(key, (self.get(key) ?? 0) + us); total += us; }
console.log("profile dir", dir);
const top = [...self].sort((a, b) => b[1] - a[1]).slice(0, 30);
for (const [k, us] of top) console.log((100 * us / total).toFixed(1).padStart(5) + '%', k);
