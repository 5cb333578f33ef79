import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { DataSourceOptions } from 'typeorm';
import type { DatabaseConfig } from '../../config/index.js';
import { MYSQL_MIGRATIONS } from '../../migrations/mysql/index.js';
import { SQLITE_MIGRATIONS } from '../../migrations/sqlite/index.js';
import { ENTITIES } from './entities.js';
import { DropTimedOutConnections } from './drop-timed-out-connections.subscriber.js';
import { NestTypeOrmLogger } from './typeorm-logger.js';

/** One place that turns the database configuration into TypeORM options, shared by the app, the CLI and tests. */
export function typeormOptions(db: DatabaseConfig, overrides: Partial<{ logger: DataSourceOptions['logger'] }> = {}): DataSourceOptions {
  const common = {
    entities: ENTITIES,
    synchronize: false,
    migrationsRun: db.migrationsRun,
    migrationsTableName: 'migrations',
    logger: new NestTypeOrmLogger(db.logQueries),
    logging: db.logQueries ? ('all' as const) : (['error', 'warn', 'migration'] as Array<'error' | 'warn' | 'migration'>),
    ...overrides,
  };
  if (db.type === 'sqlite') {
    if (db.path !== ':memory:') mkdirSync(dirname(db.path), { recursive: true });
    return {
      ...common,
      type: 'better-sqlite3',
      database: db.path,
      migrations: SQLITE_MIGRATIONS,
      // WAL lets readers proceed during a write; foreign keys are off by default in SQLite.
      enableWAL: db.path !== ':memory:',
      prepareDatabase: (sqlite: { pragma(sql: string): unknown }) => {
        sqlite.pragma('foreign_keys = ON');
        sqlite.pragma('busy_timeout = 5000');
      },
    };
  }
  return {
    ...common,
    type: db.flavor,
    host: db.host,
    port: db.port,
    username: db.username,
    password: db.password,
    database: db.database,
    migrations: MYSQL_MIGRATIONS,
    maxQueryExecutionTime: db.queryTimeoutMs,
    enableQueryTimeout: true,
    subscribers: [DropTimedOutConnections],
    timezone: 'Z',
    charset: 'utf8mb4',
    connectTimeout: db.connectTimeoutMs,
    poolSize: db.poolSize,
    extra: { connectionLimit: db.poolSize, enableKeepAlive: true, maxIdle: db.poolSize },
  };
}
