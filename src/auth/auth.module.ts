import { Module, type DynamicModule } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { PassportModule } from '@nestjs/passport';
import { EventsModule } from '../events/index.js';
import { SessionsModule } from '../sessions/index.js';
import { UsersModule } from '../users/index.js';
import { AccessGuard } from './access.guard.js';
import { AccountEventsListener } from './account-events.listener.js';
import { AuthCookies } from './auth-cookies.js';
import { AuthController } from './auth.controller.js';
import { AUTH_ASYNC_OPTIONS_TYPE, AUTH_OPTIONS_TYPE, ConfigurableAuthModule } from './auth.module-definition.js';
import type { AuthModuleOptions } from './auth-options.js';
import { JwksController } from './jwks.controller.js';
import { RevocationListener } from './revocation.listener.js';
import { RolePermissions } from './role-permissions.js';
import { CsrfProtection } from './csrf-protection.js';
import { SignInLimiter } from './sign-in-limiter.js';
import { TokensModule, type TokensOptions } from '../tokens/index.js';
import { AuthService } from './auth.service.js';
import { LocalStrategy } from './local.strategy.js';
import { JwtPassportStrategy, SessionPassportStrategy } from './passport-strategies.js';
import { SessionPurgeJob } from './session-purge.job.js';
import { SessionProvider } from './session-provider.js';
import { sessionProviderBinding } from './session-provider.factory.js';
import { SessionsController } from './sessions.controller.js';

/**
 * Mount with `AuthModule.forRoot(options)` or `AuthModule.forRootAsync({ useFactory, inject })`.
 * Registers a global deny-by-default guard; mark open routes with `@Public()`.
 */
@Module({
  imports: [EventsModule, UsersModule, SessionsModule, PassportModule.register({ session: false })],
  controllers: [AuthController, SessionsController, JwksController],
  providers: [
    sessionProviderBinding,
    AuthCookies,
    AuthService,
    LocalStrategy,
    SessionPassportStrategy,
    JwtPassportStrategy,
    AccountEventsListener,
    RolePermissions,
    CsrfProtection,
    SignInLimiter,
    RevocationListener,
    SessionPurgeJob,
    { provide: APP_GUARD, useClass: AccessGuard },
  ],
  exports: [UsersModule, SessionsModule, AuthService, SessionProvider],
})
export class AuthModule extends ConfigurableAuthModule {
  static override forRoot(options: typeof AUTH_OPTIONS_TYPE): DynamicModule {
    return withTokens(super.forRoot(options), TokensModule.register(tokensOptions(options)));
  }

  /** The tokens module is configured from the same factory, so the user supplies options once. */
  static override forRootAsync(options: typeof AUTH_ASYNC_OPTIONS_TYPE): DynamicModule {
    const { useFactory, inject, imports } = options;
    if (!useFactory) throw new Error('AuthModule.forRootAsync needs useFactory');
    return withTokens(
      super.forRootAsync(options),
      TokensModule.registerAsync({
        imports,
        inject,
        useFactory: async (...args: unknown[]) => tokensOptions(await useFactory(...args)),
      }),
    );
  }
}

function tokensOptions(options: AuthModuleOptions): TokensOptions {
  const jwt = options.jwt ?? { keys: [], devKeyFile: null, devAlgorithm: 'ES256', accessTtlMs: 300_000, issuer: '', audience: '', refreshGraceMs: 0, refreshSecret: null };
  return { ...jwt, enabled: options.strategy === 'jwt' };
}

function withTokens(module: DynamicModule, tokens: DynamicModule): DynamicModule {
  return { ...module, imports: [...(module.imports ?? []), tokens] };
}
