import type { Type } from '@nestjs/common';
import type { IRateLimiterOptions, RateLimiterAbstract } from 'rate-limiter-flexible';
import type { JwtOptions } from '../tokens/index.js';
import type { SessionProvider } from './session-provider.js';

export type RateLimiterFactory = (options: IRateLimiterOptions) => RateLimiterAbstract;

export type SessionStrategyName = 'database' | 'jwt';

export type { JwtOptions };

/** Options of `AuthModule.forRoot()` / `forRootAsync()` (`authOptionsFromEnv` builds them). Durations are in milliseconds. */
export interface AuthModuleOptions {
  /** The built-in strategy; ignored when `provider` is given. */
  strategy: SessionStrategyName;
  /** A host's own `SessionProvider` subclass; its constructor may inject the module's services. */
  provider?: Type<SessionProvider>;
  /** Secure cookies with the `__Host-` prefix; turn off only for plain-HTTP development. */
  cookieSecure: boolean;
  registrationOpen: boolean;
  /**
   * `reencode`: sessions stay signed in and get the new claims on their next request (cookie) or
   * refresh (bearer). `invalidate`: every session of the user is revoked.
   */
  roleChangePolicy: 'reencode' | 'invalidate';
  /** Live sessions per user; a sign-in beyond it revokes the least recently used. Null: unlimited. */
  maxSessionsPerUser: number | null;
  /** Role → permissions; embedded in access tokens, checked by `@Permissions()`. */
  rolePermissions: Record<string, string[]>;
  /** Origins besides the service's own that may send cookie-authenticated unsafe requests. */
  trustedOrigins: string[];
  /**
   * Failed sign-ins (and refreshes, registrations) per client address per minute, per account per
   * 15 minutes and per day; refresh grants per session per minute (default 60).
   */
  throttle: { ipPerMinute: number; accountPer15Minutes: number; accountPerDay: number; refreshPerMinute?: number };
  /** Makes the sign-in limiters; in memory by default, e.g. `o => new RateLimiterRedis({ ...o, storeClient })` for several instances. */
  rateLimiterFactory?: RateLimiterFactory;
  session: {
    idleTimeoutMs: number;
    absoluteLifetimeMs: number;
    touchIntervalMs: number;
    purgeIntervalMs: number;
    retentionMs: number;
  };
  /**
   * Sign-out also sends `Clear-Site-Data: "cookies"` (default true), which drops every cookie of
   * the site in the browser, the host's own included; set false when the host has cookies to keep.
   */
  clearSiteData?: boolean;
  /** Required when `strategy` is `jwt`. */
  jwt?: JwtOptions;
  /**
   * Several instances: invalidations are broadcast and sign-in limits kept in this Redis. Unset:
   * one instance, all in memory. What Redis holds can be lost; the database stays the truth.
   */
  redisUrl?: string | null;
  /** How often each instance catches up on revocations from the database (default 5 s). */
  revocationSyncIntervalMs?: number;
  /** Database strategy: serve session lookups from memory this long (default 0: off). */
  sessionCacheTtlMs?: number;
  /** A bearer token for `GET /metrics` (Prometheus); unset: no metrics route. */
  metricsToken?: string | null;
  /** The second factor (TOTP). Without keys or a development key file, enrolment answers 503. */
  mfa?: MfaOptions;
  /** Step-up on the admin API: a session with a second factor, and an authentication no older than `freshAuthMs` (0: any age). */
  admin?: { requireMfa: boolean; freshAuthMs: number };
}

export interface MfaOptions {
  /** AES-256-GCM keys (32 bytes each) for TOTP secrets; the first encrypts, the others only decrypt. */
  encryptionKeys: Buffer[];
  /** Development: with no key, one is generated into this file on first use. Null in production. */
  devKeyFile: string | null;
  /** The issuer authenticator apps show next to the account (default `nest-auth`). */
  issuer?: string;
  /** Users holding one of these roles reach only enrolment, `/me` and sign-out until they enrol. */
  requiredRoles?: string[];
}
