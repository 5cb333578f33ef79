import { Inject, Injectable } from '@nestjs/common';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type IRateLimiterOptions, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { RedisConnection } from '../cluster/index.js';
import { LimiterKeyCap } from './limiter-key-cap.js';
import { DomainError } from '../common/domain-error.js';
import { normalizeEmail } from '../users/index.js';
import type { AuthModuleOptions, RateLimiterFactory } from './auth-options.js';
import { AUTH_MODULE_OPTIONS } from './auth.module-definition.js';

const MINUTE = 60;
/** About 20 MiB of account counters in memory at most. */
const MEMORY_ACCOUNT_KEYS = 20_000;
const DAY = 24 * 60 * MINUTE;

/** What one password check is counted against. `device`: a device that signed in to this account before. */
interface Attempt {
  ip: string | null;
  email?: string;
  device?: string;
}

/**
 * Brute-force and credential-stuffing limits around every password check (rate-limiter-flexible).
 * Points are taken atomically *before* the check (so concurrent guesses cannot all slip through
 * between a read and a write) and given back on success:
 * - per client address: `ipPerMinute` failed attempts (and registrations) a minute; successes do
 *   not count, so an office behind one NAT can sign in all morning;
 * - per account: `accountPer15Minutes` failures in 15 minutes, and at most `accountPerDay` (≤ 100,
 *   NIST SP 800-63B) consecutive failures, each released by a success or by time, never for good.
 * The account counters are keyed by the normalized address, which is the account's identity, so
 * changing the client address does not reset them. A device that signed in to the account before
 * counts on its own counters instead: whoever hammers an account from elsewhere cannot lock its
 * owner out of a known device. With `REDIS_URL` the counters live in Redis (shared by every
 * instance); the store is also pluggable (`rateLimiterFactory`).
 */
@Injectable()
export class SignInLimiter {
  private readonly perAddress: RateLimiterAbstract;
  private readonly perAccount: RateLimiterAbstract;
  private readonly consecutive: RateLimiterAbstract;
  private readonly perSessionRefresh: RateLimiterAbstract;
  private readonly secondFactorPerUser: RateLimiterAbstract;
  private readonly secondFactorConsecutive: RateLimiterAbstract;
  /** In memory only: the account counters are bounded in count (see LimiterKeyCap). */
  private readonly accountKeys?: LimiterKeyCap;

  constructor(@Inject(AUTH_MODULE_OPTIONS) options: AuthModuleOptions, redis: RedisConnection) {
    const make: RateLimiterFactory = options.rateLimiterFactory ?? (redis.client ? (o) => shared(o, redis) : (o) => new RateLimiterMemory(o));
    const { ipPerMinute, accountPer15Minutes, accountPerDay } = options.throttle;
    this.perAddress = make({ keyPrefix: 'signin-ip', points: ipPerMinute, duration: MINUTE });
    this.perAccount = make({ keyPrefix: 'signin-account', points: accountPer15Minutes, duration: 15 * MINUTE, blockDuration: 15 * MINUTE });
    this.consecutive = make({ keyPrefix: 'signin-consecutive', points: accountPerDay, duration: DAY, blockDuration: DAY });
    this.perSessionRefresh = make({ keyPrefix: 'refresh-session', points: options.throttle.refreshPerMinute ?? 60, duration: MINUTE });
    // Second-factor codes count apart from passwords, per user: only someone past the password (or
    // holding a session) can spend them, so wrong passwords from anywhere cannot block the code step.
    this.secondFactorPerUser = make({ keyPrefix: 'mfa-user', points: accountPer15Minutes, duration: 15 * MINUTE, blockDuration: 15 * MINUTE });
    this.secondFactorConsecutive = make({ keyPrefix: 'mfa-consecutive', points: accountPerDay, duration: DAY, blockDuration: DAY });
    if (this.perAccount instanceof RateLimiterMemory) this.accountKeys = new LimiterKeyCap([this.perAccount, this.consecutive], MEMORY_ACCOUNT_KEYS);
  }

  /** Refresh grants per session a minute (a burst of tabs fits; a loop does not). */
  async takeRefresh(sessionId: string): Promise<void> {
    await this.perSessionRefresh.consume(sessionId).catch((error: unknown) => {
      throw tooMany(error);
    });
  }

  /** Takes a point from the address before the check (a failure or a registration keeps it); 429 when spent. */
  async takeAddress(ip: string | null): Promise<void> {
    await this.perAddress.consume(addressKey(ip)).catch((error: unknown) => {
      throw tooMany(error);
    });
  }

  /** Takes a point from the account (or this known device's counters for it) before the check; 429 when spent. */
  async takeAccount(email: string, device?: string): Promise<void> {
    const account = accountKey(email, device);
    this.accountKeys?.touch(account);
    await consumeEach([this.perAccount, this.consecutive], account);
  }

  /** Takes a point from the user's second-factor counters before a code is checked; 429 when spent. */
  async takeSecondFactor(userId: string): Promise<void> {
    await consumeEach([this.secondFactorPerUser, this.secondFactorConsecutive], userId);
  }

  /** A right code: its counters start over. */
  async secondFactorSucceeded(userId: string): Promise<void> {
    await Promise.all([this.secondFactorPerUser.delete(userId), this.secondFactorConsecutive.delete(userId)]);
  }

  async rewardAddress(ip: string | null): Promise<void> {
    await this.perAddress.reward(addressKey(ip));
  }

  /** The check passed: the address gets its point back and the account's counters start over. */
  async succeeded({ ip, email, device }: Attempt): Promise<void> {
    await this.perAddress.reward(addressKey(ip));
    if (email === undefined) return;
    const account = accountKey(email, device);
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

/** A point from each counter in turn (a window and the consecutive count); 429 at the first that is spent. */
async function consumeEach(limiters: RateLimiterAbstract[], key: string): Promise<void> {
  try {
    for (const limiter of limiters) await limiter.consume(key);
  } catch (error) {
    throw tooMany(error);
  }
}

function addressKey(ip: string | null): string {
  return ip ?? 'unknown';
}

function accountKey(email: string, device?: string): string {
  const account = normalizeEmail(email).slice(0, 254);
  return device ? `${account}|device:${device}` : account;
}

function tooMany(error: unknown): Error {
  if (!(error instanceof RateLimiterRes)) return error as Error;
  return new DomainError('TOO_MANY_ATTEMPTS', 'Too many sign-in attempts; try again later', Math.max(1, Math.ceil(error.msBeforeNext / 1000)));
}
