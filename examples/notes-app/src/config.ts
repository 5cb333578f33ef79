import { existsSync } from 'node:fs';
import { authOptionsFromEnv } from 'nest-dual-session-auth';

// The only place that reads the environment. A local .env file fills in what is not already set.
if (existsSync('.env')) process.loadEnvFile('.env');
const env = process.env;

export const port = Number(env.PORT ?? 3000);

/** Static files of the browser page, next to dist/ and src/. */
export const publicDir = new URL('../public/', import.meta.url);

/** Which migration set of the auth module applies: MariaDB and MySQL share one. */
export type Dialect = 'sqlite' | 'mysql';

export type DatabaseSettings =
  | { dialect: 'sqlite'; path: string }
  | { dialect: 'mysql'; type: 'mariadb' | 'mysql'; url: string };

/** DATABASE_URL: unset → SQLite at data/notes.sqlite; `sqlite:<path>`; `mariadb://…` or `mysql://…`. */
export function databaseSettings(url = env.DATABASE_URL): DatabaseSettings {
  if (!url) return { dialect: 'sqlite', path: 'data/notes.sqlite' };
  if (url.startsWith('sqlite:')) return { dialect: 'sqlite', path: url.slice('sqlite:'.length) };
  if (url.startsWith('mariadb://')) return { dialect: 'mysql', type: 'mariadb', url: `mysql://${url.slice('mariadb://'.length)}` };
  if (url.startsWith('mysql://')) return { dialect: 'mysql', type: 'mysql', url };
  throw new Error(`DATABASE_URL must be sqlite:<path>, mariadb://… or mysql://…, got "${url}"`);
}

/** AUTH_* variables (and NODE_ENV), parsed and validated by the auth package itself. */
export const authOptions = () => authOptionsFromEnv(env);
