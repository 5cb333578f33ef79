import type { KeyObject } from 'node:crypto';
import { EnvReader } from './env-reader.js';
import type { NodeEnv } from './app.config.js';
import { estimatedEntropyBits, MIN_SECRET_BITS } from './entropy.js';
import { parseJwtKeys } from './jwt-keys.js';

export type AuthStrategy = 'database' | 'jwt';
export type JwtAlgorithm = 'ES256' | 'EdDSA' | 'HS256';

export interface JwtConfig {
  /** Signing and verification keys; the first signs, the rest only verify (rotation). */
  keys: KeyObject[];
  /** Development only: where a generated key and refresh secret are kept when none are configured. */
  devKeyFile: string | null;
  /** The algorithm of a generated development key. */
  devAlgorithm: JwtAlgorithm;
  accessTtlMs: number;
  issuer: string;
  audience: string;
  refreshGraceMs: number;
  /** Derives each refresh token's successor; at least 32 characters. */
  refreshSecret: string | null;
}

export type RoleChangePolicy = 'reencode' | 'invalidate';

export interface AuthConfig {
  strategy: AuthStrategy;
  cookieSecure: boolean;
  registrationOpen: boolean;
  /** What a role change does to the user's live sessions. */
  roleChangePolicy: RoleChangePolicy;
  /** Live sessions a user may hold; the least recently used goes first. Null: unlimited. */
  maxSessionsPerUser: number | null;
  /** Role → permissions, embedded in access tokens and checked by `@Permissions()`. */
  rolePermissions: Record<string, string[]>;
  /** Origins (besides the service's own) allowed to send cookie-authenticated unsafe requests. */
  trustedOrigins: string[];
  /** Sign-in attempts allowed per client address per minute, and per account per 15 minutes and per day. */
  throttle: { ipPerMinute: number; accountPer15Minutes: number; accountPerDay: number; refreshPerMinute: number };
  session: {
    idleTimeoutMs: number;
    absoluteLifetimeMs: number;
    /** `last_seen_at` is written at most once per interval, so ordinary reads write nothing. */
    touchIntervalMs: number;
    purgeIntervalMs: number;
    /** Revoked and expired rows are kept this long (audit, reuse detection) before the purge deletes them. */
    retentionMs: number;
  };
  jwt: JwtConfig;
  /** Shared state for several instances (invalidation broadcast, sign-in limits); null: one instance, in memory. */
  redisUrl: string | null;
  /** How often each instance catches up on revocations from the database (the bound when Redis is down). */
  revocationSyncIntervalMs: number;
  /** Database strategy: how long a session lookup may be served from memory; 0 turns the cache off. */
  sessionCacheTtlMs: number;
  /** A bearer token that may read `/metrics`; null: the route does not exist. */
  metricsToken: string | null;
  /** Sign-out sends Clear-Site-Data: "cookies" (every cookie of the site). */
  clearSiteData: boolean;
  mfa: MfaConfig;
  /** Step-up on the admin API: a session with a second factor, and an authentication no older than `freshAuthMs` (0: any age). */
  admin: { requireMfa: boolean; freshAuthMs: number };
}

export interface MfaConfig {
  /** AES-256-GCM keys for TOTP secrets; the first encrypts, the others only decrypt (rotation). */
  encryptionKeys: Buffer[];
  /** Development only: where a generated key is kept when none is configured; null in production. */
  devKeyFile: string | null;
  /** The issuer authenticator apps show next to the account. */
  issuer: string;
  /** Users holding one of these roles must enrol a second factor before anything else. */
  requiredRoles: string[];
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
  const strategy = env.oneOf<AuthStrategy>('AUTH_STRATEGY', ['database', 'jwt'], 'database');
  const jwt = readJwtConfig(env, production, strategy === 'jwt');
  if (strategy === 'jwt' && session.retentionMs < jwt.accessTtlMs + 30_000) {
    // Revoked rows rebuild the revocation registry after a restart; purging them sooner would revive tokens.
    env.problem('AUTH_SESSION_RETENTION', 'must be at least AUTH_JWT_ACCESS_TTL + 30s with the JWT strategy');
  }
  return {
    strategy,
    cookieSecure: env.bool('AUTH_COOKIE_SECURE', production),
    registrationOpen: env.oneOf('AUTH_REGISTRATION', ['open', 'closed'], production ? 'closed' : 'open') === 'open',
    session,
    roleChangePolicy: env.oneOf<RoleChangePolicy>('AUTH_ROLE_CHANGE_POLICY', ['reencode', 'invalidate'], 'reencode'),
    maxSessionsPerUser: env.int('AUTH_MAX_SESSIONS_PER_USER', 0, 0, 10_000) || null,
    rolePermissions: readRolePermissions(env),
    trustedOrigins: readOrigins(env, 'AUTH_TRUSTED_ORIGINS'),
    throttle: {
      ipPerMinute: env.int('AUTH_THROTTLE_IP_PER_MINUTE', 30, 1, 1_000_000),
      accountPer15Minutes: env.int('AUTH_THROTTLE_ACCOUNT_PER_15M', 10, 1, 1_000_000),
      // NIST SP 800-63B: never more than 100 consecutive failures on one account.
      accountPerDay: env.int('AUTH_THROTTLE_ACCOUNT_PER_DAY', 100, 1, 100),
      refreshPerMinute: env.int('AUTH_THROTTLE_REFRESH_PER_MINUTE', 60, 1, 1_000_000),
    },
    jwt,
    redisUrl: readRedisUrl(env),
    revocationSyncIntervalMs: env.duration('AUTH_REVOCATION_SYNC_INTERVAL', '5s', 100),
    sessionCacheTtlMs: env.duration('AUTH_SESSION_CACHE_TTL', '0s', 0),
    metricsToken: readMetricsToken(env),
    clearSiteData: env.bool('AUTH_CLEAR_SITE_DATA', true),
    mfa: readMfaConfig(env, production),
    admin: { requireMfa: env.bool('AUTH_ADMIN_REQUIRE_MFA', false), freshAuthMs: env.duration('AUTH_ADMIN_FRESH_AUTH', '0s', 0) },
  };
}

function readMfaConfig(env: EnvReader, production: boolean): MfaConfig {
  const encryptionKeys: Buffer[] = [];
  const text = env.optionalString('AUTH_MFA_ENCRYPTION_KEY');
  for (const item of text === undefined ? [] : text.split(',').map((part) => part.trim())) {
    const key = /^[A-Za-z0-9+/_-]+={0,2}$/.test(item) ? Buffer.from(item, 'base64') : Buffer.alloc(0);
    // Never echo key material.
    if (key.length !== 32) env.problem('AUTH_MFA_ENCRYPTION_KEY', 'each key must be 32 random bytes in base64, e.g. openssl rand -base64 32');
    else if (estimatedEntropyBits(key) < MIN_SECRET_BITS) env.problem('AUTH_MFA_ENCRYPTION_KEY', 'a key looks too predictable (repeated bytes); use 32 random bytes');
    else encryptionKeys.push(key);
  }
  if (text === undefined && production) env.problem('AUTH_MFA_ENCRYPTION_KEY', 'is required when NODE_ENV=production (openssl rand -base64 32)');
  return {
    encryptionKeys,
    devKeyFile: production ? null : env.string('AUTH_MFA_DEV_KEY_FILE', 'data/mfa-dev-key.json'),
    issuer: env.string('AUTH_MFA_ISSUER', 'nest-auth'),
    requiredRoles: env.list('AUTH_MFA_REQUIRED_ROLES', []),
  };
}

function readRedisUrl(env: EnvReader): string | null {
  const url = env.optionalString('REDIS_URL');
  if (url === undefined) return null;
  try {
    const parsed = new URL(url);
    if (parsed.protocol === 'redis:' || parsed.protocol === 'rediss:') return url;
  } catch {
    // reported below
  }
  // Never echo the URL: it may carry a password.
  env.problem('REDIS_URL', 'must be redis://[user:pass@]host:port[/db] or rediss://…');
  return null;
}

function readMetricsToken(env: EnvReader): string | null {
  const token = env.optionalString('AUTH_METRICS_TOKEN');
  if (token === undefined) return null;
  if (token.length < 32 || estimatedEntropyBits(token) < MIN_SECRET_BITS) env.problem('AUTH_METRICS_TOKEN', 'must be at least 32 random characters');
  return token;
}

/** A comma-separated list of origins (`scheme://host[:port]`); `*` is refused. */
export function readOrigins(env: EnvReader, name: string): string[] {
  const origins = env.list(name, []);
  for (const origin of origins) {
    let valid = false;
    try {
      const url = new URL(origin);
      valid = (url.protocol === 'http:' || url.protocol === 'https:') && url.origin === origin;
    } catch {
      valid = false;
    }
    if (!valid) env.problem(name, `"${origin}" is not an origin like https://app.example.com (no path, no wildcard)`);
  }
  return origins;
}

export const DEFAULT_ROLE_PERMISSIONS = '{"admin":["users:read","users:write","sessions:revoke"]}';

function readRolePermissions(env: EnvReader): Record<string, string[]> {
  const text = env.string('AUTH_ROLE_PERMISSIONS', DEFAULT_ROLE_PERMISSIONS);
  try {
    const parsed = JSON.parse(text) as unknown;
    const valid =
      typeof parsed === 'object' &&
      parsed !== null &&
      !Array.isArray(parsed) &&
      Object.values(parsed).every((perms) => Array.isArray(perms) && perms.every((p) => typeof p === 'string' && p.length > 0 && p.length <= 64));
    if (valid) return parsed as Record<string, string[]>;
  } catch {
    // reported below
  }
  env.problem('AUTH_ROLE_PERMISSIONS', 'must be a JSON object mapping each role to an array of permission strings');
  return {};
}

function readJwtConfig(env: EnvReader, production: boolean, required: boolean): JwtConfig {
  let keys: KeyObject[] = [];
  const keyText = env.optionalString('AUTH_JWT_KEYS');
  if (keyText) {
    try {
      keys = parseJwtKeys(keyText);
      for (const key of keys) {
        if (key.type === 'secret' && estimatedEntropyBits(key.export()) < MIN_SECRET_BITS) {
          env.problem('AUTH_JWT_KEYS', 'an HS256 secret looks too predictable (repeated bytes); use 32 random bytes');
        }
      }
      if (keys[0]?.type === 'public') env.problem('AUTH_JWT_KEYS', 'the first key signs, so it must be a private key or a secret');
    } catch (error) {
      // Never echo key material.
      env.problem('AUTH_JWT_KEYS', `cannot be read (${(error as Error).message.split('\n')[0]})`);
    }
  } else if (production && required) {
    env.problem('AUTH_JWT_KEYS', 'is required when NODE_ENV=production and AUTH_STRATEGY=jwt');
  }
  const refreshSecret = env.optionalString('AUTH_REFRESH_SECRET') ?? null;
  if (refreshSecret !== null && refreshSecret.length < 32) env.problem('AUTH_REFRESH_SECRET', 'must be at least 32 characters');
  else if (refreshSecret !== null && estimatedEntropyBits(refreshSecret) < MIN_SECRET_BITS) {
    env.problem('AUTH_REFRESH_SECRET', 'looks too predictable (repeated characters); use 32 random bytes, e.g. openssl rand -base64 32');
  }
  if (refreshSecret === null && production && required) {
    env.problem('AUTH_REFRESH_SECRET', 'is required when NODE_ENV=production and AUTH_STRATEGY=jwt');
  }
  return {
    keys,
    devKeyFile: production ? null : env.string('AUTH_JWT_DEV_KEY_FILE', 'data/jwt-dev-keys.json'),
    devAlgorithm: env.oneOf<JwtAlgorithm>('AUTH_JWT_ALGORITHM', ['ES256', 'EdDSA', 'HS256'], 'ES256'),
    accessTtlMs: env.duration('AUTH_JWT_ACCESS_TTL', '5m', 1_000),
    issuer: env.string('AUTH_JWT_ISSUER', 'urn:auth-service'),
    audience: env.string('AUTH_JWT_AUDIENCE', 'urn:auth-service:api'),
    refreshGraceMs: env.duration('AUTH_REFRESH_GRACE', '10s', 0),
    refreshSecret,
  };
}
