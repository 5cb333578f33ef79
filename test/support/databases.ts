import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createConnection } from 'mysql2/promise';
import { TcpProxy } from './tcp-proxy.js';

export type Dialect = 'sqlite' | 'mariadb';

/** The MariaDB server the tests use; override with TEST_MARIADB_URL (a server URL, no database). */
export const MARIADB_SERVER = new URL(process.env.TEST_MARIADB_URL ?? 'mariadb://root@127.0.0.1:3306');

export function serverConnection() {
  return createConnection({
    host: MARIADB_SERVER.hostname,
    port: Number(MARIADB_SERVER.port || 3306),
    user: decodeURIComponent(MARIADB_SERVER.username),
    password: decodeURIComponent(MARIADB_SERVER.password),
  });
}

export interface TestDatabase {
  dialect: Dialect;
  url: string;
  /** MariaDB only: the proxy the app connects through, to cut the network. */
  proxy?: TcpProxy;
  /** MariaDB only: the database name. */
  name?: string;
  drop(): Promise<void>;
}

/** A fresh, empty database for one app instance. MariaDB must be reachable: an unreachable server fails the test. */
export async function createTestDatabase(dialect: Dialect): Promise<TestDatabase> {
  if (dialect === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'auth-test-'));
    return { dialect, url: `sqlite:${join(dir, 'auth.sqlite')}`, drop: async () => rmSync(dir, { recursive: true, force: true }) };
  }
  const name = `auth_test_${randomBytes(6).toString('hex')}`;
  const admin = await serverConnection();
  await admin.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4`);
  await admin.end();
  const proxy = new TcpProxy(MARIADB_SERVER.hostname, Number(MARIADB_SERVER.port || 3306));
  const port = await proxy.start();
  const auth = MARIADB_SERVER.username ? `${MARIADB_SERVER.username}:${MARIADB_SERVER.password}@` : '';
  return {
    dialect,
    url: `mariadb://${auth}127.0.0.1:${port}/${name}`,
    proxy,
    name,
    drop: async () => {
      await proxy.cut();
      const conn = await serverConnection();
      await conn.query(`DROP DATABASE IF EXISTS \`${name}\``);
      await conn.end();
    },
  };
}
