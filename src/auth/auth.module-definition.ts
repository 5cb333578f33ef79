import { ConfigurableModuleBuilder } from '@nestjs/common';
import type { AuthModuleOptions } from './auth-options.js';

/**
 * Structural choices, fixed when the module is imported (they decide which routes and guards
 * exist), so they sit beside the options rather than inside an async factory.
 */
export interface AuthModuleExtras {
  /** Where the auth routes are mounted, without slashes at the ends: `auth` → `/auth/login`. */
  routePrefix?: string;
  /** Where the admin API is mounted (`/users/...`), or `false` for none. */
  adminRoutePrefix?: string | false;
  /** Install the deny-by-default guard for every route of the application; `false` leaves `@UseGuards(AccessGuard)` to the host. */
  globalGuard?: boolean;
  /** Make the module's exported services injectable in every module of the host (default true). */
  isGlobal?: boolean;
}

export const AUTH_DEFAULT_EXTRAS: Required<AuthModuleExtras> = { routePrefix: 'auth', adminRoutePrefix: 'users', globalGuard: true, isGlobal: true };

/** For `forRootAsync({ useClass | useExisting })`: a provider that makes the options. */
export interface AuthOptionsFactory {
  createAuthOptions(): AuthModuleOptions | Promise<AuthModuleOptions>;
}

/** The route prefix chosen in the extras (the refresh cookie's path follows it). */
export const AUTH_ROUTE_PREFIX = Symbol('AUTH_ROUTE_PREFIX');
/** Whether `AccessGuard` is installed for the whole application (the `globalGuard` extra). */
export const AUTH_GLOBAL_GUARD = Symbol('AUTH_GLOBAL_GUARD');

export const {
  ConfigurableModuleClass: ConfigurableAuthModule,
  MODULE_OPTIONS_TOKEN: AUTH_MODULE_OPTIONS,
  OPTIONS_TYPE: AUTH_OPTIONS_TYPE,
  ASYNC_OPTIONS_TYPE: AUTH_ASYNC_OPTIONS_TYPE,
} = new ConfigurableModuleBuilder<AuthModuleOptions>({ moduleName: 'Auth' })
  .setClassMethodName('forRoot')
  .setFactoryMethodName('createAuthOptions')
  .setExtras<AuthModuleExtras>(AUTH_DEFAULT_EXTRAS, (definition) => definition)
  .build();
