import { Inject, Injectable } from '@nestjs/common';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type IRateLimiterOptions, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { RedisConnection } from '../cluster/index.js';
import { DomainError } from '../common/domain-error.js';
import { normalizeEmail } from '../users/index.js';
import type { AuthModuleOptions, RateLimiterFactory } from './auth-options.js';
import { AUTH_MODULE_OPTIONS } from './auth.module-definition.js';

const MINUTE = 60;
const DAY = 24 * 60 * MINUTE;

/**
 * Brute-force and credential-stuffing limits around every password check (rate-limiter-flexible):
 * - per client address: `ipPerMinute` attempts a minute, whatever the outcome;
 * - per account: `accountPer15Minutes` failures in 15 minutes, and at most `accountPerDay` (≤ 100,
 *   NIST SP 800-63B) consecutive failures, each released by a success or by time, never for good.
 * The account counters are keyed by the normalized email alone, so changing the client address
 * (or a forged X-Forwarded-For) does not reset them. With `REDIS_URL` the counters live in Redis
 * (shared by every instance); the store is also pluggable (`rateLimiterFactory`).
 */
@Injectable()
export class SignInLimiter {
  private readonly perAddress: RateLimiterAbstract;
  private readonly perAccount: RateLimiterAbstract;
  private readonly consecutive: RateLimiterAbstract;

  constructor(@Inject(AUTH_MODULE_OPTIONS) options: AuthModuleOptions, redis: RedisConnection) {
    const make: RateLimiterFactory = options.rateLimiterFactory ?? (redis.client ? (o) => shared(o, redis) : (o) => new RateLimiterMemory(o));
    const { ipPerMinute, accountPer15Minutes, accountPerDay } = options.throttle;
    this.perAddress = make({ keyPrefix: 'signin-ip', points: ipPerMinute, duration: MINUTE });
    this.perAccount = make({ keyPrefix: 'signin-account', points: accountPer15Minutes, duration: 15 * MINUTE, blockDuration: 15 * MINUTE });
    this.consecutive = make({ keyPrefix: 'signin-consecutive', points: accountPerDay, duration: DAY, blockDuration: DAY });
  }

  /** Counts an attempt from this address, and refuses when the address or the account is over its limit. */
  async beforeAttempt(ip: string | null, email?: string): Promise<void> {
    try {
      await this.perAddress.consume(ip ?? 'unknown');
    } catch (error) {
      throw tooMany(error);
    }
    if (email === undefined) return;
    const account = accountKey(email);
    for (const limiter of [this.perAccount, this.consecutive]) {
      const state = await limiter.get(account);
      if (state && state.remainingPoints <= 0 && state.msBeforeNext > 0) throw tooMany(state);
    }
  }

  async failed(email: string): Promise<void> {
    const account = accountKey(email);
    await Promise.all([this.perAccount.penalty(account), this.consecutive.penalty(account)]);
  }

  async succeeded(email: string): Promise<void> {
    const account = accountKey(email);
    await Promise.all([this.perAccount.delete(account), this.consecutive.delete(account)]);
  }
}

/**
 * Counters in Redis, so the limits hold across instances. When Redis cannot answer, the same limits
 * apply per instance in memory (the insurance limiter) and sign-in keeps working.
 */
function shared(options: IRateLimiterOptions, redis: RedisConnection): RateLimiterAbstract {
  return new RateLimiterRedis({
    ...options,
    keyPrefix: `nest-auth:${options.keyPrefix}`,
    storeClient: redis.client,
    rejectIfRedisNotReady: true,
    insuranceLimiter: new RateLimiterMemory(options),
  });
}

function accountKey(email: string): string {
  return normalizeEmail(email).slice(0, 254);
}

function tooMany(error: unknown): Error {
  if (!(error instanceof RateLimiterRes)) return error as Error;
  return new DomainError('TOO_MANY_ATTEMPTS', 'Too many sign-in attempts; try again later', Math.max(1, Math.ceil(error.msBeforeNext / 1000)));
}
