import { isIP } from 'node:net';
import { readOrigins } from './auth.config.js';
import { EnvReader } from './env-reader.js';

export type NodeEnv = 'development' | 'production' | 'test';
export type LogLevel = 'fatal' | 'error' | 'warn' | 'log' | 'debug' | 'verbose';

export interface AppConfig {
  nodeEnv: NodeEnv;
  port: number;
  host: string;
  logLevel: LogLevel;
  logJson: boolean;
  /** Express `trust proxy`: false, a hop count, or the proxies' addresses; never `true` (any client could name its address). */
  trustProxy: false | number | string[];
  bodyLimit: string;
  swagger: boolean;
  /** Origins CORS answers for, with credentials; empty: CORS off. Never `*`. */
  corsOrigins: string[];
}

export function readAppConfig(env: EnvReader): AppConfig {
  const nodeEnv = env.oneOf<NodeEnv>('NODE_ENV', ['development', 'production', 'test'], 'development');
  const trustProxy = readTrustProxy(env);
  const bodyLimit = env.string('BODY_LIMIT', '16kb');
  if (!/^\d+(b|kb|mb)$/i.test(bodyLimit)) env.problem('BODY_LIMIT', `must be a size like 16kb or 1mb, got "${bodyLimit}"`);
  return {
    nodeEnv,
    port: env.int('PORT', 3000, 0, 65535),
    host: env.string('HOST', '0.0.0.0'),
    logLevel: env.oneOf<LogLevel>('LOG_LEVEL', ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'], 'log'),
    logJson: env.bool('LOG_JSON', nodeEnv === 'production'),
    trustProxy,
    bodyLimit,
    // The API description is for development; production opts in.
    swagger: env.bool('SWAGGER', nodeEnv !== 'production'),
    corsOrigins: readOrigins(env, 'CORS_ORIGINS'),
  };
}

const PROXY_KEYWORDS = ['loopback', 'linklocal', 'uniquelocal'];

/**
 * `true` would take the leftmost X-Forwarded-For entry, which the client writes itself: refused.
 * A hop count takes the address the last N proxies saw; a list names the proxies to trust.
 */
function readTrustProxy(env: EnvReader): false | number | string[] {
  const text = env.string('TRUST_PROXY', 'false');
  if (text === 'false') return false;
  if (/^\d{1,2}$/.test(text)) return Number(text);
  const list = text.split(',').map((item) => item.trim()).filter(Boolean);
  const valid = list.length > 0 && list.every((item) => PROXY_KEYWORDS.includes(item) || isIpOrCidr(item));
  if (valid) return list;
  env.problem('TRUST_PROXY', `must be false, a hop count, or the proxies' addresses (IPs, CIDRs, loopback); "true" is refused because any client can forge X-Forwarded-For`);
  return false;
}

function isIpOrCidr(text: string): boolean {
  const [address, bits, extra] = text.split('/');
  const version = isIP(address);
  if (!version || extra !== undefined) return false;
  return bits === undefined || (/^\d{1,3}$/.test(bits) && Number(bits) <= (version === 4 ? 32 : 128));
}
