import { Injectable } from '@nestjs/common';
import { OnDomainEvent, UserPasswordChangedEvent, UserSuspendedEvent } from '../events/index.js';
import { SessionsService } from '../sessions/index.js';

/** Turns account changes into session changes; runs after the user change has committed. */
@Injectable()
export class AccountEventsListener {
  constructor(private readonly sessions: SessionsService) {}

  @OnDomainEvent(UserSuspendedEvent)
  async onSuspended(event: UserSuspendedEvent): Promise<void> {
    await this.sessions.revokeAllForUser(event.userId, 'suspended');
  }

  @OnDomainEvent(UserPasswordChangedEvent)
  async onPasswordChanged(event: UserPasswordChangedEvent): Promise<void> {
    await this.sessions.revokeAllForUser(event.userId, 'password_changed', event.keepSessionId);
  }
}
