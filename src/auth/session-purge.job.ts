import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { MfaChallenges, SecondFactorStore } from '../mfa/index.js';
import { SessionsService } from '../sessions/index.js';
import type { AuthModuleOptions } from './auth-options.js';
import { AUTH_MODULE_OPTIONS } from './auth.module-definition.js';

/** Deletes long-dead session rows in batches (and expired pending sign-ins), on an interval; safe to run on every instance. */
@Injectable()
export class SessionPurgeJob implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(SessionPurgeJob.name);
  private timer?: NodeJS.Timeout;
  private running = false;

  constructor(
    @Inject(AUTH_MODULE_OPTIONS) private readonly options: AuthModuleOptions,
    private readonly sessions: SessionsService,
    private readonly challenges: MfaChallenges,
    private readonly secondFactors: SecondFactorStore,
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
      const now = new Date();
      const challenges = await this.challenges.purge(now);
      // An enrolment nobody confirmed within a day was abandoned: its secret goes.
      const enrolments = await this.secondFactors.purgeAbandoned(new Date(now.getTime() - 86_400_000));
      if (challenges + enrolments > 0) this.logger.log({ event: 'mfa.purged', challenges, enrolments });
      return purged;
    } catch (error) {
      this.logger.warn({ event: 'session.purge_failed', error: (error as Error).message });
      return 0;
    } finally {
      this.running = false;
    }
  }
}
