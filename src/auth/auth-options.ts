import type { TokensOptions } from '../tokens/index.js';

export type SessionStrategyName = 'database' | 'jwt';

export type JwtOptions = Omit<TokensOptions, 'enabled'>;

/** Options of `AuthModule.forRoot()` / `forRootAsync()`. Durations are in milliseconds. */
export interface AuthModuleOptions {
  strategy: SessionStrategyName;
  /** Secure cookies with the `__Host-` prefix; turn off only for plain-HTTP development. */
  cookieSecure: boolean;
  registrationOpen: boolean;
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
