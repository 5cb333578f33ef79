import { EnvReader } from './env-reader.js';
import type { NodeEnv } from './app.config.js';

export type AuthStrategy = 'database' | 'jwt';

export interface AuthConfig {
  strategy: AuthStrategy;
  cookieSecure: boolean;
  registrationOpen: boolean;
  session: {
    idleTimeoutMs: number;
    absoluteLifetimeMs: number;
    /** `last_seen_at` is written at most once per interval, so ordinary reads write nothing. */
    touchIntervalMs: number;
    purgeIntervalMs: number;
    /** Revoked and expired rows are kept this long (audit, reuse detection) before the purge deletes them. */
    retentionMs: number;
  };
}

export function readAuthConfig(env: EnvReader, nodeEnv: NodeEnv): AuthConfig {
  const production = nodeEnv === 'production';
  const session = {
    idleTimeoutMs: env.duration('AUTH_SESSION_IDLE_TIMEOUT', '12h', 1_000),
    absoluteLifetimeMs: env.duration('AUTH_SESSION_ABSOLUTE_LIFETIME', '30d', 1_000),
    touchIntervalMs: env.duration('AUTH_SESSION_TOUCH_INTERVAL', '1m', 0),
    purgeIntervalMs: env.duration('AUTH_SESSION_PURGE_INTERVAL', '1h', 1_000),
    retentionMs: env.duration('AUTH_SESSION_RETENTION', '1d', 0),
  };
  if (session.touchIntervalMs >= session.idleTimeoutMs) {
    env.problem('AUTH_SESSION_TOUCH_INTERVAL', 'must be shorter than AUTH_SESSION_IDLE_TIMEOUT');
  }
  return {
    strategy: env.oneOf<AuthStrategy>('AUTH_STRATEGY', ['database', 'jwt'], 'database'),
    cookieSecure: env.bool('AUTH_COOKIE_SECURE', production),
    registrationOpen: env.oneOf('AUTH_REGISTRATION', ['open', 'closed'], production ? 'closed' : 'open') === 'open',
    session,
  };
}
