import { authOptionsFromEnv as readAuthOptions, type Env } from '../../config/index.js';
import type { AuthModuleOptions } from './auth-options.js';

/**
 * `AuthModule` options from the environment: reads and validates every `AUTH_*` variable (and
 * `NODE_ENV` for the production defaults); throws a `ConfigurationError` listing each bad one.
 */
export const authOptionsFromEnv: (env: Env) => AuthModuleOptions = readAuthOptions;
