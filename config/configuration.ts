import { registerAs } from '@nestjs/config';
import { existsSync } from 'node:fs';
import { readAppConfig, type AppConfig, type NodeEnv } from './app.config.js';
import { readAuthConfig, type AuthConfig } from './auth.config.js';
import { readDatabaseConfig, type DatabaseConfig } from './database.config.js';
import { EnvReader, type Env } from './env-reader.js';

export interface Configuration {
  app: AppConfig;
  database: DatabaseConfig;
  auth: AuthConfig;
}

export class ConfigurationError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((line) => `  ${line}`).join('\n')}`);
    this.name = 'ConfigurationError';
  }
}

/** The process environment, with `.env` from the working directory merged underneath it. */
export function processEnv(): Env {
  if (existsSync('.env')) process.loadEnvFile('.env');
  return process.env;
}

/** Reads and validates every area at once; throws one error listing every problem. */
export function loadConfiguration(env: Env = processEnv()): Configuration {
  const reader = new EnvReader(env);
  const app = readAppConfig(reader);
  const database = readDatabaseConfig(reader);
  const auth = readAuthConfig(reader, app.nodeEnv);
  if (reader.problems.length > 0) throw new ConfigurationError(reader.problems);
  return { app, database, auth };
}

/** The database area alone (the admin CLI inside a host app, whose other variables are not ours to judge). */
export function databaseConfigFromEnv(env: Env = processEnv()): DatabaseConfig {
  const reader = new EnvReader(env);
  const database = readDatabaseConfig(reader);
  if (reader.problems.length > 0) throw new ConfigurationError(reader.problems);
  return database;
}

/**
 * The `AuthModule` options from an environment map (every `AUTH_*` variable, and `NODE_ENV` for
 * the production defaults), validated; throws one `ConfigurationError` naming each bad variable.
 */
export function authOptionsFromEnv(env: Env): AuthConfig {
  const reader = new EnvReader(env);
  const nodeEnv = reader.oneOf<NodeEnv>('NODE_ENV', ['development', 'production', 'test'], 'development');
  const auth = readAuthConfig(reader, nodeEnv);
  if (reader.problems.length > 0) throw new ConfigurationError(reader.problems);
  return auth;
}

/** Nest `ConfigModule` loaders, one namespace per area, read with `getOrThrow('auth', { infer: true })`. */
export function configLoaders(config: Configuration) {
  return [
    registerAs('app', () => config.app),
    registerAs('database', () => config.database),
    registerAs('auth', () => config.auth),
  ];
}
