import { Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { In, IsNull, LessThan, Not, type Repository } from 'typeorm';
import { DomainEventBus, SessionAuthenticatedEvent, SessionRevokedEvent, UserSessionsRevokedEvent } from '../events/index.js';
import { generateSessionSecret, hashSessionSecret, isWellFormedSecret } from './session-secret.js';
import { RotatedToken } from './rotated-token.entity.js';
import { Session } from './session.entity.js';
import { User } from '../users/index.js';

export interface NewSession {
  userId: string;
  /** The user's version when the credentials were checked; the row is written only if it still holds. */
  userVersion: number;
  userAgent: string | null;
  ip: string | null;
  idleTimeoutMs: number;
  absoluteLifetimeMs: number;
  /** How the user proved who they are (RFC 8176 `amr` values) and when; default: the password, now. */
  assurance?: Assurance;
}

/** How a session was authenticated: methods (`pwd`, `otp`, `recovery`) and when. */
export interface Assurance {
  amr: string[];
  authTime: Date;
}

/** Rotated-away refresh tokens remembered per session for reuse detection (older ones are simply unknown). */
export const ROTATED_TOKENS_KEPT = 20;

export type RevocationReason =
  | 'logout'
  | 'logout_all'
  | 'revoked_by_user'
  | 'revoked_by_admin'
  | 'suspended'
  | 'password_changed'
  | 'session_cap'
  | 'refresh_reuse'
  | 'roles_changed'
  | 'mfa_changed';

@Injectable()
export class SessionsService {
  private readonly logger = new Logger(SessionsService.name);

  constructor(
    @InjectRepository(Session) private readonly sessions: Repository<Session>,
    @InjectRepository(RotatedToken) private readonly rotatedTokens: Repository<RotatedToken>,
    private readonly bus: DomainEventBus,
  ) {}

  /**
   * Always a new row and a new secret: a session id presented before sign-in is never adopted.
   * One INSERT … SELECT that writes the row only while the user is still active at the version whose
   * credentials were checked, so a sign-in racing a password reset or a suspension cannot outlive it.
   * Returns null when the user changed meanwhile.
   */
  async create(input: NewSession, now = new Date()): Promise<{ session: Session; secret: string } | null> {
    const secret = generateSessionSecret();
    const session = this.sessions.create({
      id: randomUUID(),
      userId: input.userId,
      tokenHash: hashSessionSecret(secret),
      createdAt: now,
      lastSeenAt: now,
      idleExpiresAt: new Date(Math.min(now.getTime() + input.idleTimeoutMs, now.getTime() + input.absoluteLifetimeMs)),
      absoluteExpiresAt: new Date(now.getTime() + input.absoluteLifetimeMs),
      revokedAt: null,
      revokedReason: null,
      generation: 0,
      rotationNonce: generateSessionSecret(),
      amr: (input.assurance?.amr ?? ['pwd']).join(' '),
      authTime: input.assurance?.authTime ?? now,
      userAgent: input.userAgent?.slice(0, 512) ?? null,
      ip: input.ip?.slice(0, 64) ?? null,
    });
    const inserted = await this.insertIfUserUnchanged(session, input.userVersion);
    return inserted ? { session, secret } : null;
  }

  private async insertIfUserUnchanged(session: Session, userVersion: number): Promise<boolean> {
    const connection = this.sessions.manager.connection;
    const { driver } = connection;
    const q = (name: string) => driver.escape(name);
    const users = connection.getMetadata(User);
    const columns = ['id', 'userId', 'tokenHash', 'createdAt', 'lastSeenAt', 'idleExpiresAt', 'absoluteExpiresAt', 'userAgent', 'ip', 'rotationNonce', 'amr', 'authTime'].map(
      (property) => this.sessions.metadata.findColumnWithPropertyName(property)!,
    );
    const values = columns.filter((c) => c.propertyName !== 'userId').map((c) => driver.preparePersistentValue(c.getEntityValue(session), c));
    const userColumn = (property: string) => q(users.findColumnWithPropertyName(property)!.databaseName);
    const sql =
      `INSERT INTO ${q(this.sessions.metadata.tableName)} (${columns.map((c) => q(c.databaseName)).join(', ')}) ` +
      `SELECT ${columns.map((c) => (c.propertyName === 'userId' ? userColumn('id') : '?')).join(', ')} FROM ${q(users.tableName)} ` +
      `WHERE ${userColumn('id')} = ? AND ${userColumn('version')} = ? AND ${userColumn('status')} = 'active'`;
    const runner = connection.createQueryRunner();
    try {
      const result = await runner.query(sql, [...values, session.userId, userVersion], true);
      return result.affected === 1;
    } finally {
      await runner.release();
    }
  }

  /**
   * The per-request lookup: one indexed SELECT of the session joined with its user.
   * Returns the row whatever its state; `isLive` decides.
   */
  async findBySecret(secret: string): Promise<Session | null> {
    if (!isWellFormedSecret(secret)) return null;
    return this.withUser().where('s.tokenHash = :hash', { hash: hashSessionSecret(secret) }).getOne();
  }

  /** JWT strategy: the record of a refresh-token hash this session rotated away from, if any. */
  findRotated(hash: string): Promise<RotatedToken | null> {
    return this.rotatedTokens.findOneBy({ tokenHash: hash });
  }

  /** The row by id with its user (used to re-encode claims). */
  findWithUser(sessionId: string): Promise<Session | null> {
    return this.withUser().where('s.id = :sessionId', { sessionId }).getOne();
  }

  /** The session joined with the user columns authorization needs (never the password hash). */
  private withUser() {
    return this.sessions
      .createQueryBuilder('s')
      .innerJoin('s.user', 'u')
      .addSelect(['u.id', 'u.email', 'u.name', 'u.roles', 'u.status', 'u.version', 'u.mfaEnabledAt']);
  }

  /**
   * Rotates the refresh secret in one transaction: a conditional UPDATE that applies only while
   * `fromHash` is still current (so concurrent rotations of one token cannot fork the session),
   * with a fresh nonce and the next generation, and the record of the old hash (with the nonce its
   * successor was derived from). Every tenth generation, records older than the last
   * `ROTATED_TOKENS_KEPT` go. Returns whether this call rotated it.
   */
  async rotate(session: Session, fromHash: string, toHash: string, idleTimeoutMs: number, now = new Date()): Promise<boolean> {
    const idleExpiresAt = new Date(Math.min(now.getTime() + idleTimeoutMs, session.absoluteExpiresAt.getTime()));
    const generation = session.generation + 1;
    const rotationNonce = generateSessionSecret();
    const rotated = await retryOnDeadlock(() => this.sessions.manager.transaction(async (tx) => {
      const result = await tx.update(
        Session,
        { id: session.id, tokenHash: fromHash, revokedAt: IsNull() },
        { tokenHash: toHash, lastSeenAt: now, idleExpiresAt, generation, rotationNonce },
      );
      if (!result.affected) return false;
      await tx.insert(RotatedToken, { tokenHash: fromHash, sessionId: session.id, rotatedAt: now, generation: session.generation, nonce: session.rotationNonce });
      if (generation % 10 === 0) {
        await tx.delete(RotatedToken, { sessionId: session.id, generation: LessThan(generation - ROTATED_TOKENS_KEPT) });
      }
      return true;
    }));
    if (rotated) Object.assign(session, { tokenHash: toHash, lastSeenAt: now, idleExpiresAt, generation, rotationNonce });
    return rotated;
  }

  /**
   * The user proved who they are again on this live session (re-authentication, a second factor):
   * its `amr` and `auth_time` change, and every instance forgets what it cached about it.
   */
  async recordAuthentication(sessionId: string, userId: string, assurance: Assurance): Promise<boolean> {
    const result = await this.sessions.update({ id: sessionId, userId, revokedAt: IsNull() }, { amr: assurance.amr.join(' '), authTime: assurance.authTime });
    if (!result.affected) return false;
    await this.bus.publish(new SessionAuthenticatedEvent(sessionId, userId));
    return true;
  }

  /** Sessions revoked since `since`, to rebuild in-memory revocation state after a restart. */
  revokedSince(since: Date): Promise<Array<Pick<Session, 'id' | 'revokedAt'>>> {
    return this.sessions
      .createQueryBuilder('s')
      .select(['s.id', 's.revokedAt'])
      .where('s.revokedAt >= :since', { since })
      .getMany();
  }

  isLive(session: Pick<Session, 'revokedAt' | 'idleExpiresAt' | 'absoluteExpiresAt'>, now = new Date()): boolean {
    return session.revokedAt === null && session.idleExpiresAt > now && session.absoluteExpiresAt > now;
  }

  /** The user's sessions that can still authenticate, most recently used first. */
  listLive(userId: string, now = new Date()): Promise<Session[]> {
    return this.sessions
      .createQueryBuilder('s')
      .where('s.userId = :userId', { userId })
      .andWhere('s.revokedAt IS NULL')
      .andWhere('s.idleExpiresAt > :now AND s.absoluteExpiresAt > :now', { now })
      .orderBy('s.lastSeenAt', 'DESC')
      .addOrderBy('s.createdAt', 'DESC')
      .getMany();
  }

  /** Keeps at most `max` live sessions: the least recently used others are revoked (`keepSessionId` always stays). */
  async enforceLimit(userId: string, keepSessionId: string, max: number): Promise<string[]> {
    const live = (await this.listLive(userId)).filter((session) => session.id !== keepSessionId);
    const excess = live.slice(Math.max(0, max - 1));
    for (const session of excess) await this.revoke(session.id, userId, 'session_cap');
    return excess.map((session) => session.id);
  }

  /** Revokes one session of this user; false when there is no such live session of theirs. */
  async revoke(sessionId: string, userId: string, reason: RevocationReason): Promise<boolean> {
    const result = await this.sessions.update(
      { id: sessionId, userId, revokedAt: IsNull() },
      { revokedAt: new Date(), revokedReason: reason },
    );
    if (!result.affected) return false;
    await this.bus.publish(new SessionRevokedEvent(sessionId, userId, reason));
    this.logger.log({ event: 'session.revoked', userId, sessionId, reason });
    return true;
  }

  /** Revokes every live session of a user, except `keepSessionId` when given; returns the ids revoked. */
  async revokeAllForUser(userId: string, reason: RevocationReason, keepSessionId: string | null = null): Promise<string[]> {
    const now = new Date();
    const where = { userId, revokedAt: IsNull(), ...(keepSessionId ? { id: Not(keepSessionId) } : {}) };
    const ids = await retryOnDeadlock(() =>
      this.sessions.manager.transaction(async (tx) => {
        const rows = await tx.find(Session, { select: { id: true }, where, lock: lockFor(tx.connection.options.type) });
        const found = rows.map((row) => row.id);
        // By primary key only: the rows locked above, in the order a refresh's rotation locks them.
        if (found.length > 0) await tx.update(Session, { id: In(found), revokedAt: IsNull() }, { revokedAt: now, revokedReason: reason });
        return found;
      }),
    );
    await this.bus.publish(new UserSessionsRevokedEvent(userId, ids, keepSessionId, reason));
    this.logger.log({ event: 'session.revoked_all', userId, count: ids.length, keptSessionId: keepSessionId, reason });
    return ids;
  }

  /** Deletes rows revoked or expired longer than `retentionMs` ago, `batchSize` at a time. */
  async purge(retentionMs: number, batchSize = 500, now = new Date()): Promise<number> {
    const cutoff = new Date(now.getTime() - retentionMs);
    let total = 0;
    // One indexed range per reason a row is dead (never an OR across columns, which scans the
    // table): the cost follows the dead rows, not the size of the table.
    for (const column of ['revokedAt', 'idleExpiresAt', 'absoluteExpiresAt'] as const) {
      for (;;) {
        const batch = await this.sessions
          .createQueryBuilder('s')
          .select('s.id', 'id')
          .where(`s.${column} < :cutoff`, { cutoff })
          .limit(batchSize)
          .getRawMany<{ id: string }>();
        if (batch.length === 0) break;
        await this.sessions.delete(batch.map((row) => row.id));
        total += batch.length;
        if (batch.length < batchSize) break;
      }
    }
    return total;
  }
}

/**
 * InnoDB may pick two concurrent transactions on one user's sessions (a refresh and a suspension)
 * as a deadlock and roll one back: it did nothing, so run it again (a few times, then give up loudly).
 */
async function retryOnDeadlock<T>(run: () => Promise<T>, attempts = 3): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await run();
    } catch (error) {
      const code = (error as { driverError?: { code?: string }; code?: string }).driverError?.code ?? (error as { code?: string }).code;
      if (attempt >= attempts || code !== 'ER_LOCK_DEADLOCK') throw error;
    }
  }
}

/** SQLite serializes writers already and has no row locks. */
function lockFor(type: string) {
  return type === 'better-sqlite3' ? undefined : ({ mode: 'pessimistic_write' } as const);
}
