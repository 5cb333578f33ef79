import type { TokensOptions } from '../tokens/index.js';

export type SessionStrategyName = 'database' | 'jwt';

export type JwtOptions = Omit<TokensOptions, 'enabled'>;

/** Options of `AuthModule.forRoot()` / `forRootAsync()`. Durations are in milliseconds. */
export interface AuthModuleOptions {
  strategy: SessionStrategyName;
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
  session: {
    idleTimeoutMs: number;
    absoluteLifetimeMs: number;
    touchIntervalMs: number;
    purgeIntervalMs: number;
    retentionMs: number;
  };
  /** Required when `strategy` is `jwt`. */
  jwt?: JwtOptions;
}
