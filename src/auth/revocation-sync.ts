import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { AuthMetrics, RedisConnection } from '../cluster/index.js';
import { SessionsService } from '../sessions/index.js';
import { UsersService } from '../users/index.js';
import type { AuthModuleOptions } from './auth-options.js';
import { AUTH_MODULE_OPTIONS } from './auth.module-definition.js';
import { SessionProvider } from './session-provider.js';

/**
 * Read back this far before the last sync: rows are stamped by other instances' clocks (the
 * registry allows them the same 30 s of disagreement) and commit a little after they are stamped.
 * Re-delivering an invalidation is harmless.
 */
const OVERLAP_MS = 30_000;

/**
 * Catch-up from the database, the guarantee under the broadcast: every instance reads what was
 * revoked or changed since its last sync (two indexed reads), on an interval, and right after
 * Redis reconnects. With Redis down, a revocation made elsewhere is therefore enforced here within
 * one interval (plus the query time). Only providers that hold state in memory need it.
 */
@Injectable()
export class RevocationSync implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('RevocationSync');
  private timer?: NodeJS.Timeout;
  private since = new Date();
  private running?: Promise<void>;

  constructor(
    @Inject(AUTH_MODULE_OPTIONS) private readonly options: AuthModuleOptions,
    private readonly provider: SessionProvider,
    private readonly sessions: SessionsService,
    private readonly users: UsersService,
    private readonly redis: RedisConnection,
    private readonly metrics: AuthMetrics,
  ) {}

  /** Before serving: what was revoked within the provider's window (a failure stops the boot: fail closed). */
  async onApplicationBootstrap(): Promise<void> {
    if (!this.provider.onSessionsRevoked && !this.provider.onClaimsChanged) return;
    this.since = new Date(Date.now() - this.provider.revocationWindowMs);
    await this.catchUp();
    this.timer = setInterval(() => void this.run(), this.options.revocationSyncIntervalMs ?? 5_000);
    this.timer.unref();
    this.redis.onReconnect(() => void this.run());
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  /** One catch-up; concurrent calls share it. */
  run(): Promise<void> {
    this.running ??= this.sync().finally(() => (this.running = undefined));
    return this.running;
  }

  private async sync(): Promise<void> {
    try {
      await this.catchUp();
    } catch (error) {
      // The database is down: the next run reads from the same watermark.
      this.logger.warn({ event: 'revocation_sync.failed', error: (error as Error).message });
    }
  }

  private async catchUp(): Promise<void> {
    const started = new Date();
    const since = new Date(this.since.getTime() - OVERLAP_MS);
    const [revoked, changed] = await Promise.all([this.sessions.revokedSince(since), this.users.changedSince(since)]);
    for (const row of revoked) this.provider.onSessionsRevoked?.([row.id], row.revokedAt!);
    for (const user of changed) this.provider.onClaimsChanged?.(user.id, user.version, user.updatedAt);
    this.metrics.received.inc({ source: 'sync' }, revoked.length + changed.length);
    this.since = started;
  }
}
