import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Redis } from 'ioredis';
import { PASSWORD, uniqueEmail } from '../support/client.js';
import { createTestDatabase, serverConnection, type TestDatabase } from '../support/databases.js';
import { TcpProxy } from '../support/tcp-proxy.js';
import { percentile, REDIS_SERVER, sharedJwtEnv, startInstance, timeUntil, type Instance } from './instances.js';

const METRICS_TOKEN = 'metrics-token-for-the-multi-instance-spec';

async function register(inst: Instance): Promise<{ id: string; email: string }> {
  const email = uniqueEmail('cluster');
  const res = await inst.http.post('/auth/register').send({ email, password: PASSWORD });
  expect(res.status).toBe(201);
  return { id: res.body.user.id, email };
}

async function token(inst: Instance, email: string): Promise<string> {
  const res = await inst.http.post('/auth/token').send({ grant_type: 'password', email, password: PASSWORD });
  expect(res.status).toBe(200);
  return res.body.access_token as string;
}

const me = (inst: Instance, bearer: string) => inst.http.get('/auth/me').set('Authorization', `Bearer ${bearer}`);

/** Makes a user an admin directly in the database (as `nest-auth user:create --roles admin` would). */
async function promote(db: TestDatabase, id: string): Promise<void> {
  const conn = await serverConnection();
  await conn.query(`UPDATE \`${db.name}\`.users SET roles = '["admin"]', version = version + 1 WHERE id = ?`, [id]);
  await conn.end();
}

async function received(inst: Instance, source: 'pubsub' | 'sync'): Promise<number> {
  const res = await inst.http.get('/auth/metrics').set('Authorization', `Bearer ${METRICS_TOKEN}`);
  const line = res.text.split('\n').find((l) => l.startsWith(`auth_invalidations_received_total{source="${source}"}`));
  return line ? Number(line.split(' ').pop()) : 0;
}

async function startCluster(env: Record<string, string>, count = 3): Promise<Instance[]> {
  const instances: Instance[] = [];
  // One after the other: the first applies the migrations.
  for (let i = 0; i < count; i++) instances.push(await startInstance(env));
  return instances;
}

const report = (line: string) => process.stdout.write(`${line}\n`);

describe.each(['database', 'jwt'] as const)('three instances, one MariaDB, one Redis (%s strategy)', (strategy) => {
  let db: TestDatabase;
  let nodes: Instance[] = [];
  let adminToken: string;

  beforeAll(async () => {
    db = await createTestDatabase('mariadb');
    nodes = await startCluster({
      DATABASE_URL: db.url,
      REDIS_URL: REDIS_SERVER.href,
      AUTH_STRATEGY: strategy,
      // Database strategy with the cache on: most reads run no query, yet revocations still reach every instance.
      AUTH_SESSION_CACHE_TTL: strategy === 'database' ? '30s' : '0s',
      // Long enough that every delay measured here is the broadcast's, not the catch-up's.
      AUTH_REVOCATION_SYNC_INTERVAL: '1h',
      AUTH_THROTTLE_IP_PER_MINUTE: '100000',
      AUTH_THROTTLE_ACCOUNT_PER_15M: '5',
      AUTH_METRICS_TOKEN: METRICS_TOKEN,
      ...sharedJwtEnv(),
    });
    const admin = await register(nodes[0]);
    await promote(db, admin.id);
    adminToken = await token(nodes[0], admin.email);
  });
  afterAll(async () => {
    await Promise.all(nodes.map((n) => n.stop()));
    await db?.drop();
  });

  type Action = (args: { id: string; email: string; bearer: string }) => Promise<void>;
  const actions: Record<string, Action> = {
    logout: async ({ bearer }) => expect((await nodes[0].http.post('/auth/logout').set('Authorization', `Bearer ${bearer}`)).status).toBe(204),
    'logout-all': async ({ bearer }) => expect((await nodes[0].http.post('/auth/logout-all').set('Authorization', `Bearer ${bearer}`)).status).toBe(204),
    'revoke one device': async ({ email, bearer }) => {
      const other = await token(nodes[0], email);
      const sessionId = (await me(nodes[0], bearer)).body.sessionId as string;
      expect((await nodes[0].http.delete(`/auth/sessions/${sessionId}`).set('Authorization', `Bearer ${other}`)).status).toBe(204);
    },
    suspension: async ({ id }) => expect((await nodes[0].http.post(`/users/${id}/suspend`).set('Authorization', `Bearer ${adminToken}`)).status).toBe(200),
    'role change': async ({ id }) =>
      expect((await nodes[0].http.patch(`/users/${id}/roles`).set('Authorization', `Bearer ${adminToken}`).send({ roles: ['auditor'] })).status).toBe(200),
  };

  /** Enforced: the old credential is refused, or (database strategy, role change) the new roles are served. */
  const enforced = async (inst: Instance, action: string, bearer: string): Promise<boolean> => {
    const res = await me(inst, bearer);
    if (action === 'role change' && strategy === 'database') return res.status === 200 && res.body.user.roles.includes('auditor');
    return res.status === 401;
  };

  it('every revocation and role change made through one instance is enforced on the other two within 1 s', async () => {
    const delays: number[] = [];
    const trials = 6;
    for (let trial = 0; trial < trials; trial++) {
      for (const [name, act] of Object.entries(actions)) {
        const user = await register(nodes[trial % 3]);
        const bearer = await token(nodes[(trial + 1) % 3], user.email);
        // Warm both other instances (with the cache on, the session is now held in their memory).
        for (const inst of nodes.slice(1)) expect((await me(inst, bearer)).status).toBe(200);
        await act({ ...user, bearer });
        const acted = Date.now();
        for (const inst of nodes.slice(1)) delays.push(await timeUntil(() => enforced(inst, name, bearer), 1_000, acted));
      }
    }
    report(`[${strategy}] invalidation delay over ${delays.length} checks (${trials} trials × 5 actions × 2 instances): p50 ${percentile(delays, 50)} ms, p99 ${percentile(delays, 99)} ms, max ${Math.max(...delays)} ms`);
    expect(await received(nodes[1], 'pubsub')).toBeGreaterThan(0);
  });

  it('authenticated reads on the other instances run from memory: JWT never queries, the cached database session does not either', async () => {
    const user = await register(nodes[0]);
    const bearer = await token(nodes[0], user.email);
    expect((await me(nodes[1], bearer)).status).toBe(200);
    const conn = await serverConnection();
    const selects = async () => Number(((await conn.query("SHOW GLOBAL STATUS LIKE 'Com_select'"))[0] as Array<{ Value: string }>)[0].Value);
    const before = await selects();
    for (let i = 0; i < 20; i++) expect((await me(nodes[1], bearer)).status).toBe(200);
    const after = await selects();
    await conn.end();
    // Only our own SHOW STATUS is counted in between.
    expect(after - before).toBeLessThanOrEqual(1);
  });

  it('malformed or forged messages on the channel neither crash an instance nor undo a revocation', async () => {
    const user = await register(nodes[0]);
    const bearer = await token(nodes[0], user.email);
    const sessionId = (await me(nodes[1], bearer)).body.sessionId as string;
    expect((await nodes[0].http.post('/auth/logout').set('Authorization', `Bearer ${bearer}`)).status).toBe(204);
    await timeUntil(async () => (await me(nodes[1], bearer)).status === 401, 1_000);
    const redis = new Redis(REDIS_SERVER.href);
    try {
      const forged = { name: 'nest-auth.session.revoked', sentAt: -1e12, payload: { sessionId, userId: user.id, reason: 'x', occurredAt: '1970-01-01T00:00:00Z' } };
      for (const message of ['null', 'not json', '123', '[]', '{"origin":null}', JSON.stringify({ ...forged, origin: 'someone' }), JSON.stringify({ origin: 'x', name: 'nest-auth.session.user-sessions-revoked', payload: { sessionIds: 5 } })]) {
        await redis.publish('nest-auth:invalidations', message);
      }
    } finally {
      redis.disconnect();
    }
    await new Promise((resolve) => setTimeout(resolve, 300));
    for (const inst of nodes) {
      expect((await inst.http.get('/health/live')).status).toBe(200);
      expect((await me(inst, bearer)).status).toBe(401);
    }
  });

  it('sign-in limits are shared: failures spread over three instances lock the account at the same count as on one', async () => {
    const { email } = await register(nodes[0]);
    for (let attempt = 0; attempt < 5; attempt++) {
      const res = await nodes[attempt % 3].http.post('/auth/login').send({ email, password: 'wrong password!' });
      expect(res.status).toBe(401);
    }
    for (const inst of nodes) {
      const res = await inst.http.post('/auth/login').send({ email, password: PASSWORD });
      expect(res.status).toBe(429);
      expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
    }
  });
});

describe.each(['database', 'jwt'] as const)('Redis cut mid-run (%s strategy)', (strategy) => {
  const SYNC_MS = 2_000;
  let db: TestDatabase;
  let proxy: TcpProxy;
  let nodes: Instance[] = [];

  beforeAll(async () => {
    db = await createTestDatabase('mariadb');
    proxy = new TcpProxy(REDIS_SERVER.hostname, Number(REDIS_SERVER.port || 6379));
    const port = await proxy.start();
    nodes = await startCluster({
      DATABASE_URL: db.url,
      REDIS_URL: `redis://127.0.0.1:${port}`,
      AUTH_STRATEGY: strategy,
      AUTH_SESSION_CACHE_TTL: strategy === 'database' ? '30s' : '0s',
      AUTH_REVOCATION_SYNC_INTERVAL: `${SYNC_MS}ms`,
      AUTH_THROTTLE_IP_PER_MINUTE: '100000',
      AUTH_METRICS_TOKEN: METRICS_TOKEN,
      ...sharedJwtEnv(),
    });
  });
  afterAll(async () => {
    await Promise.all(nodes.map((n) => n.stop()));
    await proxy?.cut();
    await db?.drop();
  });

  const redisConnection = async (inst: Instance) => (await inst.http.get('/health/ready')).body?.info?.redis?.connection as string | undefined;

  it('reads and sign-ins keep working; a revocation is enforced everywhere within the sync interval; delivery resumes by itself', async () => {
    const user = await register(nodes[0]);
    const bearer = await token(nodes[0], user.email);
    for (const inst of nodes) expect((await me(inst, bearer)).status).toBe(200);

    await proxy.cut();
    await timeUntil(async () => (await redisConnection(nodes[1])) === 'down', 5_000);
    const ready = await nodes[1].http.get('/health/ready');
    expect(ready.status).toBe(200);
    expect(ready.body.info.redis).toMatchObject({ status: 'up', connection: 'down' });
    for (const inst of nodes) expect((await me(inst, bearer)).status).toBe(200);
    const during = await token(nodes[2], user.email); // sign-in with the limiter in memory
    expect((await me(nodes[1], during)).status).toBe(200);

    expect((await nodes[0].http.post('/auth/logout').set('Authorization', `Bearer ${during}`)).status).toBe(204);
    const acted = Date.now();
    const cutDelays: number[] = [];
    for (const inst of nodes.slice(1)) cutDelays.push(await timeUntil(async () => (await me(inst, during)).status === 401, SYNC_MS + 1_500, acted));
    report(`[${strategy}] with Redis cut, revocation enforced after ${cutDelays.join(' ms, ')} ms (sync interval ${SYNC_MS} ms)`);

    await proxy.restore();
    // Every instance, the publisher included: each reconnects on its own schedule.
    for (const inst of nodes) await timeUntil(async () => (await redisConnection(inst)) === 'up', 10_000);
    const pubsubBefore = await received(nodes[1], 'pubsub');
    const after = await token(nodes[0], user.email);
    expect((await me(nodes[1], after)).status).toBe(200);
    expect((await nodes[0].http.post('/auth/logout').set('Authorization', `Bearer ${after}`)).status).toBe(204);
    await timeUntil(async () => (await me(nodes[1], after)).status === 401, 1_000);
    await timeUntil(async () => (await received(nodes[1], 'pubsub')) > pubsubBefore, 1_000);
    expect((await me(nodes[1], bearer)).status).toBe(200);
    for (const inst of nodes) expect(inst.output.join('')).not.toMatch(/"statusCode":500|unhandled_error/);
  });
});

describe('Redis that hangs instead of refusing', () => {
  it('is detected by the probe: readiness says down, sign-ins fall back to memory without waiting on it', async () => {
    const db = await createTestDatabase('mariadb');
    const proxy = new TcpProxy(REDIS_SERVER.hostname, Number(REDIS_SERVER.port || 6379));
    const port = await proxy.start();
    const inst = await startInstance({ DATABASE_URL: db.url, REDIS_URL: `redis://127.0.0.1:${port}`, AUTH_THROTTLE_IP_PER_MINUTE: '100000' });
    try {
      const user = await register(inst);
      await timeUntil(async () => (await inst.http.get('/health/ready')).body?.info?.redis?.connection === 'up', 5_000);
      proxy.blackhole();
      await timeUntil(async () => (await inst.http.get('/health/ready')).body?.info?.redis?.connection === 'down', 8_000);
      const started = Date.now();
      expect((await me(inst, await token(inst, user.email))).status).toBe(200);
      report(`with Redis hanging, a sign-in took ${Date.now() - started} ms`);
      await proxy.restore();
      await timeUntil(async () => (await inst.http.get('/health/ready')).body?.info?.redis?.connection === 'up', 10_000);
    } finally {
      await inst.stop();
      await proxy.cut();
      await db.drop();
    }
  });
});

describe('Redis absent at boot', () => {
  it('the instance starts, serves, and reports Redis degraded', async () => {
    const db = await createTestDatabase('mariadb');
    const closed = new TcpProxy('127.0.0.1', 1);
    const port = await closed.start();
    await closed.cut();
    const inst = await startInstance({ DATABASE_URL: db.url, REDIS_URL: `redis://127.0.0.1:${port}`, AUTH_THROTTLE_IP_PER_MINUTE: '100000' });
    try {
      const ready = await inst.http.get('/health/ready');
      expect(ready.status).toBe(200);
      expect(ready.body.info.redis).toMatchObject({ status: 'up', connection: 'down' });
      const user = await register(inst);
      expect((await me(inst, await token(inst, user.email))).status).toBe(200);
    } finally {
      await inst.stop();
      await db.drop();
    }
  });
});
