import { MYSQL_MIGRATIONS } from '../../migrations/mysql/index.js';
import { SQLITE_MIGRATIONS } from '../../migrations/sqlite/index.js';

/** The module's migrations for a host's TypeORM `migrations` option, in the order they apply. */
export function authMigrations(dialect: 'mysql' | 'sqlite'): Array<new () => unknown> {
  if (dialect === 'mysql') return [...MYSQL_MIGRATIONS];
  if (dialect === 'sqlite') return [...SQLITE_MIGRATIONS];
  throw new Error(`authMigrations: unknown dialect "${String(dialect)}" (mysql or sqlite)`);
}
