import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { PassportModule } from '@nestjs/passport';
import { EventsModule } from '../events/index.js';
import { SessionsModule } from '../sessions/index.js';
import { UsersModule } from '../users/index.js';
import { AccessGuard } from './access.guard.js';
import { AccountEventsListener } from './account-events.listener.js';
import { AuthCookies } from './auth-cookies.js';
import { AuthController } from './auth.controller.js';
import { ConfigurableAuthModule } from './auth.module-definition.js';
import { AuthService } from './auth.service.js';
import { LocalStrategy } from './local.strategy.js';
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
  controllers: [AuthController, SessionsController],
  providers: [
    sessionProviderBinding,
    AuthCookies,
    AuthService,
    LocalStrategy,
    AccountEventsListener,
    SessionPurgeJob,
    { provide: APP_GUARD, useClass: AccessGuard },
  ],
  exports: [UsersModule, SessionsModule, AuthService, SessionProvider],
})
export class AuthModule extends ConfigurableAuthModule {}
