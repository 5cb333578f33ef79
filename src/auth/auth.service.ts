import { Inject, Injectable, Logger } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { AuthMetrics } from '../cluster/index.js';
import { DomainError } from '../common/domain-error.js';
import { Clock } from '../common/clock.js';
import { SessionsService, type Assurance } from '../sessions/index.js';
import { normalizeEmail, UsersService, type User } from '../users/index.js';
import { hasSecondFactor, type AuthContext, type ClientInfo } from './auth-context.js';
import { KnownDevices } from './known-devices.js';
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
    private readonly clock: Clock,
  ) {}

  private readonly devices = new KnownDevices();

  async register(input: { email: string; password: string; name?: string }, client: ClientInfo): Promise<User> {
    if (!this.options.registrationOpen) throw new DomainError('REGISTRATION_CLOSED', 'Registration is closed');
    // Registration probes for taken addresses: it counts against the per-address limit, like a failure.
    await this.limiter.takeAddress(client.ip);
    return this.users.create({ email: input.email, password: input.password, name: input.name ?? null });
  }

  /** Self-service password change; a wrong current password counts as a failed sign-in. */
  async changePassword(auth: AuthContext, currentPassword: string, newPassword: string, client: ClientInfo): Promise<void> {
    const attempt = { ip: client.ip, email: auth.user.email };
    await this.limiter.takeAddress(client.ip);
    await this.limiter.takeAccount(auth.user.email);
    try {
      await this.users.changePassword(auth.user.id, currentPassword, newPassword, auth.sessionId);
    } catch (error) {
      if (error instanceof DomainError && error.code === 'CURRENT_PASSWORD_INVALID') {
        this.logger.warn({ event: 'auth.password_change_failed', userId: auth.user.id, ip: client.ip });
      }
      throw error;
    }
    await this.limiter.succeeded(attempt);
  }

  /**
   * Verifies credentials; the failure is the same for an unknown user, a wrong password and a
   * suspended account. The limiter's points are taken before the password check: the address's
   * first, then the account's (a device that signed in to it before has counters of its own).
   */
  async verifyCredentials(email: string, password: string, client: ClientInfo): Promise<User> {
    const ref = accountRef(email);
    const limited = (error: unknown, scope: string): never => {
      this.metrics.signIns.inc({ outcome: 'limited' });
      this.logger.warn({ event: 'auth.login_throttled', scope, account: ref, ip: client.ip });
      throw error;
    };
    await this.limiter.takeAddress(client.ip).catch((error: unknown) => limited(error, 'address'));
    const found = await this.users.findByEmail(email);
    const device = found ? this.devices.verify(found, client.deviceToken) : undefined;
    await this.limiter.takeAccount(email, device).catch((error: unknown) => limited(error, device ? 'device' : 'account'));
    const user = await this.users.checkPassword(found, password);
    if (!user) {
      this.metrics.signIns.inc({ outcome: 'failure' });
      this.logger.warn({ event: 'auth.login_failed', account: ref, userId: found?.id ?? null, ip: client.ip, reason: 'invalid_credentials' });
      throw new DomainError('INVALID_CREDENTIALS', 'Invalid email or password');
    }
    this.metrics.signIns.inc({ outcome: 'success' });
    // Codes count on counters of their own (see SignInLimiter.takeSecondFactor): a right password
    // starts the password counters over, with or without a second factor to follow.
    await this.limiter.succeeded({ ip: client.ip, email, device });
    return user;
  }

  /** A long-lived token that marks this browser as a device that signed in to the user's account. */
  deviceTokenFor(user: User): string {
    return this.devices.issue(user);
  }

  async refresh(refreshToken: string, client: ClientInfo): Promise<IssuedCredentials & { user: User }> {
    if (!this.provider.refresh) throw new DomainError('UNSUPPORTED_GRANT', 'This session strategy has no refresh token');
    // A refresh token is a credential too: failures from an address count like failed sign-ins.
    await this.limiter.takeAddress(client.ip);
    const issued = await this.provider.refresh(refreshToken, client).catch((error: unknown) => {
      this.metrics.refreshes.inc({ outcome: 'failure' });
      throw error;
    });
    this.metrics.refreshes.inc({ outcome: 'success' });
    await this.limiter.rewardAddress(client.ip);
    this.logger.log({ event: 'auth.refresh', userId: issued.user.id, sessionId: issued.sessionId, ip: client.ip });
    return issued;
  }

  /** A new session for a verified user; `assurance` says how they proved it (default: the password, now). */
  async signIn(user: User, client: ClientInfo, assurance: Assurance = { amr: ['pwd'], authTime: new Date(this.clock.now()) }): Promise<IssuedCredentials> {
    // Fail closed for any caller (a host's own `AuthGuard('local')` route included): a password alone never signs in an account with a second factor.
    if (user.mfaEnabledAt && !hasSecondFactor(assurance)) throw new DomainError('MFA_REQUIRED', 'This account needs its second factor to sign in');
    const credentials = await this.provider.signIn(user, client, assurance);
    if (this.options.maxSessionsPerUser) {
      await this.sessions.enforceLimit(user.id, credentials.sessionId, this.options.maxSessionsPerUser);
    }
    this.logger.log({ event: 'auth.login', userId: user.id, sessionId: credentials.sessionId, ip: client.ip, strategy: this.provider.name, amr: assurance.amr });
    return credentials;
  }
}

/** A reference to the typed account for the logs: correlates attempts without writing the address itself. */
function accountRef(email: string): string {
  return createHash('sha256').update(normalizeEmail(email)).digest('base64url').slice(0, 16);
}
