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
  /** Express `trust proxy`; off unless the service sits behind a proxy you control. */
  trustProxy: boolean | number;
  bodyLimit: string;
  swagger: boolean;
  /** Origins CORS answers for, with credentials; empty: CORS off. Never `*`. */
  corsOrigins: string[];
}

export function readAppConfig(env: EnvReader): AppConfig {
  const nodeEnv = env.oneOf<NodeEnv>('NODE_ENV', ['development', 'production', 'test'], 'development');
  const trustProxyText = env.string('TRUST_PROXY', 'false');
  let trustProxy: boolean | number = false;
  if (trustProxyText === 'true') trustProxy = true;
  else if (/^\d+$/.test(trustProxyText)) trustProxy = Number(trustProxyText);
  else if (trustProxyText !== 'false') env.problem('TRUST_PROXY', `must be false, true or a hop count, got "${trustProxyText}"`);
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
    swagger: env.bool('SWAGGER', true),
    corsOrigins: readOrigins(env, 'CORS_ORIGINS'),
  };
}
