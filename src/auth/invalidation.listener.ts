import { Injectable } from '@nestjs/common';
import { OnDomainEvent, SessionAuthenticatedEvent, SessionRevokedEvent, UserRolesChangedEvent, UserSessionsRevokedEvent, UserSuspendedEvent } from '../events/index.js';
import { SessionProvider } from './session-provider.js';

/**
 * Invalidations: forwards session revocations and claim changes to the provider, which forgets
 * or marks what it holds in memory (the JWT revocation registry), so tokens die on the next request.
 * It only forgets, never writes, so it is safe to run on every instance.
 */
@Injectable()
export class InvalidationListener {
  constructor(private readonly provider: SessionProvider) {}

  @OnDomainEvent(SessionRevokedEvent, { delivery: 'invalidation' })
  onSessionRevoked(event: SessionRevokedEvent): void {
    this.provider.onSessionsRevoked?.([event.sessionId], event.occurredAt);
  }

  @OnDomainEvent(UserSessionsRevokedEvent, { delivery: 'invalidation' })
  onUserSessionsRevoked(event: UserSessionsRevokedEvent): void {
    this.provider.onSessionsRevoked?.(event.sessionIds, event.occurredAt);
  }

  @OnDomainEvent(SessionAuthenticatedEvent, { delivery: 'invalidation' })
  onSessionAuthenticated(event: SessionAuthenticatedEvent): void {
    this.provider.onSessionsChanged?.([event.sessionId]);
  }

  @OnDomainEvent(UserRolesChangedEvent, { delivery: 'invalidation' })
  onRolesChanged(event: UserRolesChangedEvent): void {
    this.provider.onClaimsChanged?.(event.userId, event.version, event.occurredAt);
  }

  /** Suspension also reaches every instance directly, not only through the sessions it ends (which may fail). */
  @OnDomainEvent(UserSuspendedEvent, { delivery: 'invalidation' })
  onSuspended(event: UserSuspendedEvent): void {
    this.provider.onClaimsChanged?.(event.userId, event.version, event.occurredAt);
  }
}
