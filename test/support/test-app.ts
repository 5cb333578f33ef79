import 'reflect-metadata';
import type { ConsoleLogger, INestApplication } from '@nestjs/common';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfiguration, type Env } from '../../config/index.js';
import { createApp } from '../../src/bootstrap.js';
import { UsersService } from '../../src/users/index.js';
import { createTestDatabase, type Dialect, type TestDatabase } from './databases.js';

export interface TestApp {
  app: INestApplication;
  http: ReturnType<typeof request>;
  db: TestDatabase;
  dataSource: DataSource;
  users: UsersService;
  close(): Promise<void>;
}

/** The real AppModule on a fresh database, configured through the same environment variables as production. */
export async function startTestApp(dialect: Dialect, env: Env = {}, existing?: TestDatabase, logger?: ConsoleLogger): Promise<TestApp> {
  const db = existing ?? (await createTestDatabase(dialect));
  const config = loadConfiguration({
    NODE_ENV: 'test',
    // Each app gets its own generated development key unless the test shares one (restart tests).
    AUTH_JWT_DEV_KEY_FILE: join(mkdtempSync(join(tmpdir(), 'auth-keys-')), 'jwt-dev-keys.json'),
    AUTH_MFA_DEV_KEY_FILE: join(mkdtempSync(join(tmpdir(), 'auth-keys-')), 'mfa-dev-key.json'),
    DATABASE_URL: db.url,
    DATABASE_CONNECT_TIMEOUT: '2s',
    SWAGGER: 'false',
    // The suites sign in far more often than a person; throttling has its own spec.
    AUTH_THROTTLE_IP_PER_MINUTE: '100000',
    // The background catch-up would add SELECTs to the query budgets; the multi-instance specs set their own.
    AUTH_REVOCATION_SYNC_INTERVAL: '1h',
    ...env,
  });
  const app = await createApp(config, { logger: logger ?? (process.env.TEST_LOGS ? undefined : false) });
  await app.init();
  return {
    app,
    http: request(app.getHttpServer()),
    db,
    dataSource: app.get(DataSource),
    users: app.get(UsersService),
    async close() {
      await app.close();
      if (!existing) await db.drop();
    },
  };
}
