import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { User, type UserStatus } from '../users/index.js';
import { Session } from './session.entity.js';

/** What the per-request check needs of a session and its user: no entity, no password hash. */
export interface SessionRecord {
  id: string;
  userId: string;
  lastSeenAt: Date;
  idleExpiresAt: Date;
  absoluteExpiresAt: Date;
  revokedAt: Date | null;
  amr: readonly string[];
  /** Null only on rows from before sessions recorded it: never fresh. */
  authTime: Date | null;
  user: { id: string; email: string; name: string | null; roles: readonly string[]; status: UserStatus };
}

/** The two statements, with the table names as mapped (a host's `entityPrefix` included). */
function statementsSql(sessions: string, users: string): { lookup: string; touch: string } {
  return {
    lookup:
      'SELECT s.id, s.user_id, s.last_seen_at, s.idle_expires_at, s.absolute_expires_at, s.revoked_at, s.amr, s.auth_time, u.email, u.name, u.roles, u.status ' +
      `FROM ${sessions} s INNER JOIN ${users} u ON u.id = s.user_id WHERE s.token_hash = ?`,
    touch: `UPDATE ${sessions} SET last_seen_at = ?, idle_expires_at = ? WHERE id = ? AND revoked_at IS NULL`,
  };
}

type Row = Record<string, unknown>;

interface Statements {
  lookup(hash: string): Promise<Row | undefined>;
  touch(lastSeenAt: Date, idleExpiresAt: Date, id: string): Promise<void>;
  /** How the driver hands back a DATETIME(3). */
  date(value: unknown): Date;
}

/**
 * The hot path of the database strategy, written by hand on purpose: the session-with-user lookup
 * and the interval touch run as prepared statements straight through the driver (mysql2's
 * `execute`, better-sqlite3's cached `prepare`), and the columns are mapped here, with no query
 * builder or entity hydration per request. Everything else about sessions goes through the ORM.
 */
@Injectable()
export class SessionLookup {
  private statements?: Statements;
  /** The driver handle the statements were prepared on: a re-initialized DataSource gets new ones. */
  private preparedOn?: unknown;

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async find(tokenHash: string): Promise<SessionRecord | null> {
    const statements = this.current();
    const row = await statements.lookup(tokenHash);
    if (!row) return null;
    return {
      id: row.id as string,
      userId: row.user_id as string,
      lastSeenAt: statements.date(row.last_seen_at),
      idleExpiresAt: statements.date(row.idle_expires_at),
      absoluteExpiresAt: statements.date(row.absolute_expires_at),
      revokedAt: row.revoked_at === null || row.revoked_at === undefined ? null : statements.date(row.revoked_at),
      // Read-only: a cached record hands these very arrays to later requests.
      amr: Object.freeze((row.amr as string).split(' ')),
      authTime: row.auth_time === null || row.auth_time === undefined ? null : statements.date(row.auth_time),
      user: {
        id: row.user_id as string,
        email: row.email as string,
        name: (row.name as string | null) ?? null,
        roles: Object.freeze(JSON.parse(row.roles as string) as string[]),
        status: row.status as UserStatus,
      },
    };
  }

  async touch(record: SessionRecord, idleTimeoutMs: number, now = new Date()): Promise<void> {
    const idleExpiresAt = new Date(Math.min(now.getTime() + idleTimeoutMs, record.absoluteExpiresAt.getTime()));
    await this.current().touch(now, idleExpiresAt, record.id);
    record.lastSeenAt = now;
    record.idleExpiresAt = idleExpiresAt;
  }

  private current(): Statements {
    const driver = this.dataSource.driver as unknown as { databaseConnection?: unknown; pool?: unknown };
    const handle = driver.databaseConnection ?? driver.pool;
    // Worded as the drivers word it, so the error filter answers 503.
    if (!this.dataSource.isInitialized || !handle) throw new Error('The database connection is not open');
    if (!this.statements || this.preparedOn !== handle) {
      this.statements = this.prepare();
      this.preparedOn = handle;
    }
    return this.statements;
  }

  private prepare(): Statements {
    const driver = this.dataSource.driver as unknown as { options: { type: string }; databaseConnection?: SqliteDatabase; pool?: MysqlPool };
    const table = (entity: typeof Session | typeof User) => this.dataSource.driver.escape(this.dataSource.getMetadata(entity).tableName);
    const sql = statementsSql(table(Session), table(User));
    if (driver.options.type === 'better-sqlite3') return sqliteStatements(driver.databaseConnection!, sql);
    // As TypeORM itself does: with `enableQueryTimeout`, `maxQueryExecutionTime` is each statement's deadline.
    const options = this.dataSource.options as { enableQueryTimeout?: boolean; maxQueryExecutionTime?: number };
    return mysqlStatements(driver.pool!, sql, options.enableQueryTimeout ? options.maxQueryExecutionTime : undefined);
  }
}

interface SqliteDatabase {
  prepare(sql: string): { get(...params: unknown[]): Row | undefined; run(...params: unknown[]): unknown };
}

/** better-sqlite3 is synchronous: the statements are compiled once and run in place. */
function sqliteStatements(db: SqliteDatabase, sql: { lookup: string; touch: string }): Statements {
  const lookup = db.prepare(sql.lookup);
  const touch = db.prepare(sql.touch);
  // TypeORM stores DATETIME(3) as UTC text, `YYYY-MM-DD HH:MM:SS.SSS`.
  const text = (date: Date) => date.toISOString().replace('T', ' ').replace('Z', '');
  return {
    lookup: async (hash) => lookup.get(hash),
    touch: async (lastSeenAt, idleExpiresAt, id) => void touch.run(text(lastSeenAt), text(idleExpiresAt), id),
    date: (value) => new Date(`${String(value).replace(' ', 'T')}Z`),
  };
}

interface MysqlConnection {
  execute(options: { sql: string; timeout?: number }, values: unknown[], callback: (error: (Error & { code?: string }) | null, rows: unknown) => void): void;
  release(): void;
  destroy(): void;
}
interface MysqlPool {
  getConnection(callback: (error: Error | null, connection: MysqlConnection) => void): void;
}

/**
 * mysql2 prepares each statement once per pooled connection and then only executes it. A statement
 * that outlives the query timeout leaves its connection busy: that one is destroyed, not returned.
 */
function mysqlStatements(pool: MysqlPool, sql: { lookup: string; touch: string }, timeout: number | undefined): Statements {
  const run = (sql: string, values: unknown[]) =>
    new Promise<unknown>((resolve, reject) => {
      pool.getConnection((error, connection) => {
        if (error) return reject(error);
        connection.execute({ sql, timeout }, values, (failure, rows) => {
          if (failure?.code === 'PROTOCOL_SEQUENCE_TIMEOUT') connection.destroy();
          else connection.release();
          if (failure) reject(failure);
          else resolve(rows);
        });
      });
    });
  return {
    lookup: async (hash) => ((await run(sql.lookup, [hash])) as Row[])[0],
    touch: async (lastSeenAt, idleExpiresAt, id) => void (await run(sql.touch, [lastSeenAt, idleExpiresAt, id])),
    date: (value) => value as Date,
  };
}
