import { Inject, Injectable } from '@nestjs/common';
import { OnDomainEvent, UserPasswordChangedEvent, UserRolesChangedEvent, UserSecondFactorChangedEvent, UserSuspendedEvent } from '../events/index.js';
import { SessionsService } from '../sessions/index.js';
import type { AuthModuleOptions } from './auth-options.js';
import { AUTH_MODULE_OPTIONS } from './auth.module-definition.js';

/** Reactions: turn account changes into session changes, once, where the change was made (after it committed). */
@Injectable()
export class AccountEventsListener {
  constructor(
    @Inject(AUTH_MODULE_OPTIONS) private readonly options: AuthModuleOptions,
    private readonly sessions: SessionsService,
  ) {}

  /** `invalidate` policy: the user signs in again. (`reencode` needs nothing here: see RevocationListener.) */
  @OnDomainEvent(UserRolesChangedEvent, { delivery: 'reaction' })
  async onRolesChanged(event: UserRolesChangedEvent): Promise<void> {
    if (this.options.roleChangePolicy === 'invalidate') await this.sessions.revokeAllForUser(event.userId, 'roles_changed');
  }

  @OnDomainEvent(UserSuspendedEvent, { delivery: 'reaction' })
  async onSuspended(event: UserSuspendedEvent): Promise<void> {
    await this.sessions.revokeAllForUser(event.userId, 'suspended');
  }

  @OnDomainEvent(UserPasswordChangedEvent, { delivery: 'reaction' })
  async onPasswordChanged(event: UserPasswordChangedEvent): Promise<void> {
    await this.sessions.revokeAllForUser(event.userId, 'password_changed', event.keepSessionId);
  }

  /** Turning a second factor on or off ends the user's other sessions (an admin reset: all of them). */
  @OnDomainEvent(UserSecondFactorChangedEvent, { delivery: 'reaction' })
  async onSecondFactorChanged(event: UserSecondFactorChangedEvent): Promise<void> {
    await this.sessions.revokeAllForUser(event.userId, 'mfa_changed', event.keepSessionId);
  }
}
