import { Injectable } from '@nestjs/common';
import { OnDomainEvent, SessionRevokedEvent, UserRolesChangedEvent, UserSessionsRevokedEvent } from '../events/index.js';
import { RevocationRegistry } from '../tokens/index.js';

/** Feeds the in-memory revocation registry from domain events, so access tokens die on the next request. */
@Injectable()
export class RevocationListener {
  constructor(private readonly registry: RevocationRegistry) {}

  @OnDomainEvent(SessionRevokedEvent)
  onSessionRevoked(event: SessionRevokedEvent): void {
    this.registry.revokeSession(event.sessionId, event.occurredAt.getTime());
  }

  @OnDomainEvent(UserSessionsRevokedEvent)
  onUserSessionsRevoked(event: UserSessionsRevokedEvent): void {
    for (const id of event.sessionIds) this.registry.revokeSession(id, event.occurredAt.getTime());
  }

  @OnDomainEvent(UserRolesChangedEvent)
  onRolesChanged(event: UserRolesChangedEvent): void {
    this.registry.claimsChanged(event.userId, event.version, event.occurredAt.getTime());
  }
}
