import 'reflect-metadata';
import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { DataSource } from 'typeorm';
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
export async function startTestApp(dialect: Dialect, env: Env = {}): Promise<TestApp> {
  const db = await createTestDatabase(dialect);
  const config = loadConfiguration({
    NODE_ENV: 'test',
    DATABASE_URL: db.url,
    DATABASE_CONNECT_TIMEOUT: '2s',
    SWAGGER: 'false',
    ...env,
  });
  const app = await createApp(config, { logger: false });
  await app.init();
  return {
    app,
    http: request(app.getHttpServer()),
    db,
    dataSource: app.get(DataSource),
    users: app.get(UsersService),
    async close() {
      await app.close();
      await db.drop();
    },
  };
}
