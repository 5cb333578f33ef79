import { Inject, Injectable, Logger } from '@nestjs/common';
import { AuthMetrics } from '../cluster/index.js';
import { DomainError } from '../common/domain-error.js';
import { SessionsService } from '../sessions/index.js';
import { UsersService, type User } from '../users/index.js';
import type { AuthContext, ClientInfo } from './auth-context.js';
import { SignInLimiter } from './sign-in-limiter.js';
import type { AuthModuleOptions } from './auth-options.js';
import { AUTH_MODULE_OPTIONS } from './auth.module-definition.js';
import { SessionProvider, type IssuedCredentials } from './session-provider.js';

/** Sign-up and sign-in, the same for both strategies; the provider issues the credentials. */
@Injectable()
export class AuthService {
  private readonly logger = new Logger('Audit');

  constructor(
    @Inject(AUTH_MODULE_OPTIONS) private readonly options: AuthModuleOptions,
    private readonly users: UsersService,
    private readonly provider: SessionProvider,
    private readonly sessions: SessionsService,
    private readonly limiter: SignInLimiter,
    private readonly metrics: AuthMetrics,
  ) {}

  async register(input: { email: string; password: string; name?: string }, client: ClientInfo): Promise<User> {
    if (!this.options.registrationOpen) throw new DomainError('REGISTRATION_CLOSED', 'Registration is closed');
    // Registration probes for taken addresses: it shares the per-address sign-in limit.
    await this.limiter.beforeAttempt(client.ip);
    return this.users.create({ email: input.email, password: input.password, name: input.name ?? null });
  }

  /** Self-service password change; a wrong current password counts as a failed sign-in. */
  async changePassword(auth: AuthContext, currentPassword: string, newPassword: string, client: ClientInfo): Promise<void> {
    await this.limiter.beforeAttempt(client.ip, auth.user.email);
    try {
      await this.users.changePassword(auth.user.id, currentPassword, newPassword, auth.sessionId);
    } catch (error) {
      if (error instanceof DomainError && error.code === 'CURRENT_PASSWORD_INVALID') await this.limiter.failed(auth.user.email);
      throw error;
    }
  }

  /** Verifies credentials; the failure is the same for an unknown user, a wrong password and a suspended account. */
  async verifyCredentials(email: string, password: string, client: ClientInfo): Promise<User> {
    await this.limiter.beforeAttempt(client.ip, email).catch((error: unknown) => {
      this.metrics.signIns.inc({ outcome: 'limited' });
      throw error;
    });
    const user = await this.users.verifyCredentials(email, password);
    if (!user) {
      this.metrics.signIns.inc({ outcome: 'failure' });
      await this.limiter.failed(email);
      this.logger.warn({ event: 'auth.login_failed', ip: client.ip, reason: 'invalid_credentials' });
      throw new DomainError('INVALID_CREDENTIALS', 'Invalid email or password');
    }
    this.metrics.signIns.inc({ outcome: 'success' });
    await this.limiter.succeeded(email);
    return user;
  }

  async refresh(refreshToken: string, client: ClientInfo): Promise<IssuedCredentials & { user: User }> {
    if (!this.provider.refresh) throw new DomainError('UNSUPPORTED_GRANT', 'This session strategy has no refresh token');
    const issued = await this.provider.refresh(refreshToken, client).catch((error: unknown) => {
      this.metrics.refreshes.inc({ outcome: 'failure' });
      throw error;
    });
    this.metrics.refreshes.inc({ outcome: 'success' });
    this.logger.log({ event: 'auth.refresh', userId: issued.user.id, sessionId: issued.sessionId, ip: client.ip });
    return issued;
  }

  async signIn(user: User, client: ClientInfo): Promise<IssuedCredentials> {
    const credentials = await this.provider.signIn(user, client);
    if (this.options.maxSessionsPerUser) {
      await this.sessions.enforceLimit(user.id, credentials.sessionId, this.options.maxSessionsPerUser);
    }
    this.logger.log({ event: 'auth.login', userId: user.id, sessionId: credentials.sessionId, ip: client.ip, strategy: this.provider.name });
    return credentials;
  }
}
