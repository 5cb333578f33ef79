/**
 * Typed domain events. Each class names its event once, in `eventName`; emitters publish
 * instances, listeners subscribe with `@OnDomainEvent(SomeEvent)`.
 */
export abstract class DomainEvent {
  abstract readonly eventName: string;
  readonly occurredAt = new Date();
}

export class UserRolesChangedEvent extends DomainEvent {
  static readonly eventName = 'nest-auth.user.roles-changed';
  readonly eventName = UserRolesChangedEvent.eventName;
  constructor(
    readonly userId: string,
    readonly previousRoles: string[],
    readonly roles: string[],
    readonly version: number,
  ) {
    super();
  }
}

export class UserSuspendedEvent extends DomainEvent {
  static readonly eventName = 'nest-auth.user.suspended';
  readonly eventName = UserSuspendedEvent.eventName;
  constructor(readonly userId: string, readonly version: number) {
    super();
  }
}

export class UserUnsuspendedEvent extends DomainEvent {
  static readonly eventName = 'nest-auth.user.unsuspended';
  readonly eventName = UserUnsuspendedEvent.eventName;
  constructor(readonly userId: string, readonly version: number) {
    super();
  }
}

export class UserPasswordChangedEvent extends DomainEvent {
  static readonly eventName = 'nest-auth.user.password-changed';
  readonly eventName = UserPasswordChangedEvent.eventName;
  /** `keepSessionId`: the session that made the change survives; null when an admin reset it. */
  constructor(readonly userId: string, readonly keepSessionId: string | null, readonly version: number) {
    super();
  }
}

export class SessionRevokedEvent extends DomainEvent {
  static readonly eventName = 'nest-auth.session.revoked';
  readonly eventName = SessionRevokedEvent.eventName;
  constructor(readonly sessionId: string, readonly userId: string, readonly reason: string) {
    super();
  }
}

export class UserSessionsRevokedEvent extends DomainEvent {
  static readonly eventName = 'nest-auth.session.user-sessions-revoked';
  readonly eventName = UserSessionsRevokedEvent.eventName;
  constructor(
    readonly userId: string,
    readonly sessionIds: string[],
    readonly keptSessionId: string | null,
    readonly reason: string,
  ) {
    super();
  }
}

/** Every event class by name, to rebuild events that arrive from another instance. */
export const DOMAIN_EVENTS: Record<string, new (...args: never[]) => DomainEvent> = Object.fromEntries(
  [UserRolesChangedEvent, UserSuspendedEvent, UserUnsuspendedEvent, UserPasswordChangedEvent, SessionRevokedEvent, UserSessionsRevokedEvent].map((cls) => [cls.eventName, cls]),
);

/** Rebuilds an event from its JSON form; null for anything unknown or malformed. */
export function reviveDomainEvent(name: unknown, payload: unknown): DomainEvent | null {
  const cls = typeof name === 'string' && Object.hasOwn(DOMAIN_EVENTS, name) ? DOMAIN_EVENTS[name] : undefined;
  if (!cls || typeof payload !== 'object' || payload === null) return null;
  const occurredAt = new Date((payload as { occurredAt?: unknown }).occurredAt as string);
  if (Number.isNaN(occurredAt.getTime())) return null;
  return Object.assign(Object.create(cls.prototype) as DomainEvent, payload, { eventName: name, occurredAt });
}
