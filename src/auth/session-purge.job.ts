import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { SessionsService } from '../sessions/index.js';
import type { AuthModuleOptions } from './auth-options.js';
import { AUTH_MODULE_OPTIONS } from './auth.module-definition.js';

/** Deletes long-dead session rows in batches, on an interval; safe to run on every instance. */
@Injectable()
export class SessionPurgeJob implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(SessionPurgeJob.name);
  private timer?: NodeJS.Timeout;
  private running = false;

  constructor(
    @Inject(AUTH_MODULE_OPTIONS) private readonly options: AuthModuleOptions,
    private readonly sessions: SessionsService,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.run(), this.options.session.purgeIntervalMs);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  async run(): Promise<number> {
    if (this.running) return 0;
    this.running = true;
    try {
      const purged = await this.sessions.purge(this.options.session.retentionMs);
      if (purged > 0) this.logger.log({ event: 'session.purged', count: purged });
      return purged;
    } catch (error) {
      this.logger.warn({ event: 'session.purge_failed', error: (error as Error).message });
      return 0;
    } finally {
      this.running = false;
    }
  }
}
