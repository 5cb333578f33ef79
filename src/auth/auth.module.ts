import { Controller, Inject, Module, UseGuards, type DynamicModule, type OnApplicationShutdown, type Provider, type Type } from '@nestjs/common';
import { APP_GUARD, DiscoveryModule } from '@nestjs/core';
import { PassportModule } from '@nestjs/passport';
import { AdminUsersController } from '../admin/admin-users.controller.js';
import { AuthMetrics, InvalidationBroadcast, RedisConnection } from '../cluster/index.js';
import { EventsModule } from '../events/index.js';
import { SessionsModule } from '../sessions/index.js';
import { UsersModule } from '../users/index.js';
import { AccessGuard } from './access.guard.js';
import { AccountEventsListener } from './account-events.listener.js';
import { AuthCookies } from './auth-cookies.js';
import { AuthController } from './auth.controller.js';
import { Clock } from '../common/clock.js';
import { MfaModule } from '../mfa/index.js';
import { MfaController } from './mfa.controller.js';
import { SecondFactorService } from './second-factor.service.js';
import { AssurancePolicy } from './assurance-policy.js';
import { StepUpRoutesCheck } from './step-up-routes.check.js';
import { RequestUserSlot } from './request-user-slot.js';
import {
  AUTH_ASYNC_OPTIONS_TYPE,
  AUTH_MODULE_OPTIONS,
  AUTH_DEFAULT_EXTRAS,
  AUTH_OPTIONS_TYPE,
  AUTH_ROUTE_PREFIX,
  AUTH_GLOBAL_GUARD,
  ConfigurableAuthModule,
  type AuthModuleExtras,
} from './auth.module-definition.js';
import { AuthService } from './auth.service.js';
import { CsrfProtection } from './csrf-protection.js';
import { InvalidationListener } from './invalidation.listener.js';
import { JwksController } from './jwks.controller.js';
import { MetricsController } from './metrics.controller.js';
import type { AuthModuleOptions } from './auth-options.js';
import { RevocationSync } from './revocation-sync.js';
import { LocalStrategy } from './local.strategy.js';
import { JwtPassportStrategy, SessionPassportStrategy } from './passport-strategies.js';
import { RequestAuthenticator } from './request-authenticator.js';
import { RolePermissions } from './role-permissions.js';
import { SessionPurgeJob } from './session-purge.job.js';
import { SessionProvider } from './session-provider.js';
import { sessionProviderBinding } from './session-provider.factory.js';
import { SessionsController } from './sessions.controller.js';
import { SignInLimiter } from './sign-in-limiter.js';

/**
 * Mount with `AuthModule.forRoot(options)` or `AuthModule.forRootAsync({ useFactory | useClass | useExisting })`.
 * Registers a deny-by-default guard for the whole application (unless `globalGuard: false`);
 * mark open routes with `@Public()`. Its own routes carry their error filter, validation and
 * cookie handling, so the host's `main.ts` needs nothing but `NestFactory.create` and `listen`.
 */
@Module({
  imports: [EventsModule, UsersModule, SessionsModule, MfaModule, DiscoveryModule, PassportModule.register({ session: false })],
  providers: [
    sessionProviderBinding,
    AuthCookies,
    RequestAuthenticator,
    AuthService,
    LocalStrategy,
    SessionPassportStrategy,
    JwtPassportStrategy,
    AccountEventsListener,
    InvalidationListener,
    RolePermissions,
    CsrfProtection,
    SignInLimiter,
    SessionPurgeJob,
    RevocationSync,
    AccessGuard,
    AuthMetrics,
    { provide: RedisConnection, inject: [AUTH_MODULE_OPTIONS], useFactory: (options: AuthModuleOptions) => new RedisConnection(options.redisUrl) },
    InvalidationBroadcast,
    SecondFactorService,
    AssurancePolicy,
    StepUpRoutesCheck,
    RequestUserSlot,
    Clock,
  ],
  exports: [
    UsersModule,
    SessionsModule,
    AuthService,
    SessionProvider,
    AccessGuard,
    RequestAuthenticator,
    CsrfProtection,
    AssurancePolicy,
    AuthCookies,
    AuthMetrics,
    RedisConnection,
    SecondFactorService,
    Clock,
  ],
})
export class AuthModule extends ConfigurableAuthModule implements OnApplicationShutdown {
  constructor(@Inject(SessionProvider) private readonly provider: SessionProvider) {
    super();
  }

  onApplicationShutdown(): void {
    this.provider.close?.();
  }

  static override forRoot(options: typeof AUTH_OPTIONS_TYPE): DynamicModule {
    return withExtras(super.forRoot(options), options);
  }

  static override forRootAsync(options: typeof AUTH_ASYNC_OPTIONS_TYPE): DynamicModule {
    return withExtras(super.forRootAsync(options), options);
  }
}

const EXTRA_KEYS = Object.keys(AUTH_DEFAULT_EXTRAS) as Array<keyof AuthModuleExtras>;

/** Adds what the extras decide: the controllers at their paths, the global guard, global visibility. */
function withExtras(module: DynamicModule, given: AuthModuleExtras): DynamicModule {
  const extras = { ...AUTH_DEFAULT_EXTRAS };
  for (const key of EXTRA_KEYS) if (given[key] !== undefined) Object.assign(extras, { [key]: given[key] });
  const prefix = trimSlashes(extras.routePrefix);
  if (!prefix) throw new Error('AuthModule: routePrefix must not be empty');
  // Without the global guard the module still guards its own routes.
  const mount = <T extends Type>(base: T, path: string) => routed(base, path, extras.globalGuard ? [] : [AccessGuard]);
  const controllers: Type[] = [
    mount(AuthController, prefix),
    mount(SessionsController, `${prefix}/sessions`),
    mount(MfaController, `${prefix}/mfa`),
    mount(MetricsController, `${prefix}/metrics`),
    mount(JwksController, '.well-known'),
  ];
  if (extras.adminRoutePrefix !== false) controllers.push(mount(AdminUsersController, trimSlashes(extras.adminRoutePrefix)));
  const providers: Provider[] = [...(module.providers ?? []), { provide: AUTH_ROUTE_PREFIX, useValue: prefix }, { provide: AUTH_GLOBAL_GUARD, useValue: extras.globalGuard }];
  if (extras.globalGuard) providers.push({ provide: APP_GUARD, useExisting: AccessGuard });
  return { ...module, global: extras.isGlobal, controllers, providers };
}

/** A subclass mounted at `path`: the same routes, wherever the host wants them (one per module import). */
function routed<T extends Type>(base: T, path: string, guards: Type[]): T {
  const mounted = class extends base {};
  Object.defineProperty(mounted, 'name', { value: base.name });
  Controller(path)(mounted);
  if (guards.length) UseGuards(...guards)(mounted);
  return mounted;
}

function trimSlashes(path: string): string {
  return path.replace(/^\/+|\/+$/g, '');
}
