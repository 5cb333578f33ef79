export type SessionStrategyName = 'database' | 'jwt';

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
}
