import { EnvReader } from './env-reader.js';

export type DatabaseConfig =
  | (DatabaseCommon & { type: 'sqlite'; path: string })
  | (DatabaseCommon & { type: 'mysql'; flavor: 'mysql' | 'mariadb'; host: string; port: number; username: string; password: string; database: string });

interface DatabaseCommon {
  /** Apply pending migrations when the service starts. */
  migrationsRun: boolean;
  poolSize: number;
  connectTimeoutMs: number;
  /** MySQL/MariaDB: a statement unanswered this long fails (and its connection is dropped), so a hung database means 503, not a hung request. */
  queryTimeoutMs: number;
  logQueries: boolean;
}

export const DEFAULT_DATABASE_URL = 'sqlite:data/auth.sqlite';

export function readDatabaseConfig(env: EnvReader): DatabaseConfig {
  const common: DatabaseCommon = {
    migrationsRun: env.bool('DATABASE_MIGRATIONS_RUN', true),
    poolSize: env.int('DATABASE_POOL_SIZE', 4, 1, 256),
    connectTimeoutMs: env.duration('DATABASE_CONNECT_TIMEOUT', '5s', 100),
    queryTimeoutMs: env.duration('DATABASE_QUERY_TIMEOUT', '5s', 100),
    logQueries: env.bool('DATABASE_LOG_QUERIES', false),
  };
  const url = env.string('DATABASE_URL', DEFAULT_DATABASE_URL);
  if (url.startsWith('sqlite:')) {
    const path = url.slice('sqlite:'.length).replace(/^\/\//, '');
    if (!path) env.problem('DATABASE_URL', 'sqlite: needs a file path, e.g. sqlite:data/auth.sqlite');
    return { ...common, type: 'sqlite', path: path || 'data/auth.sqlite' };
  }
  try {
    const parsed = new URL(url);
    if (parsed.protocol !== 'mysql:' && parsed.protocol !== 'mariadb:') throw new Error('protocol');
    const database = decodeURIComponent(parsed.pathname.replace(/^\//, ''));
    if (!database) throw new Error('database');
    return {
      ...common,
      type: 'mysql',
      // TypeORM reads column defaults differently on MariaDB; the scheme tells it which server it talks to.
      flavor: parsed.protocol === 'mariadb:' ? 'mariadb' : 'mysql',
      host: parsed.hostname,
      port: parsed.port ? Number(parsed.port) : 3306,
      username: decodeURIComponent(parsed.username),
      password: decodeURIComponent(parsed.password),
      database,
    };
  } catch {
    // Never echo the URL: it may carry a password.
    env.problem('DATABASE_URL', 'must be mysql://user:pass@host:port/db, mariadb://user:pass@host:port/db or sqlite:<path>');
    return { ...common, type: 'sqlite', path: 'data/auth.sqlite' };
  }
}
