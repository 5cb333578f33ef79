export { loadConfiguration, authOptionsFromEnv, databaseConfigFromEnv, configLoaders, processEnv, ConfigurationError, type Configuration } from './configuration.js';
export type { AppConfig, LogLevel, NodeEnv } from './app.config.js';
export type { AuthConfig, AuthStrategy, JwtAlgorithm, JwtConfig, RoleChangePolicy } from './auth.config.js';
export type { DatabaseConfig } from './database.config.js';
export type { Env } from './env-reader.js';
export { parseDuration } from './duration.js';
