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

/** The user's second factor was turned on (`enabled`) or off (by the user, or reset by an admin). */
export class UserSecondFactorChangedEvent extends DomainEvent {
  static readonly eventName = 'nest-auth.user.second-factor-changed';
  readonly eventName = UserSecondFactorChangedEvent.eventName;
  /** `keepSessionId`: the session that made the change survives; null when an admin reset it. */
  constructor(readonly userId: string, readonly enabled: boolean, readonly keepSessionId: string | null, readonly version: number) {
    super();
  }
}

/** A session's assurance was raised (re-authentication, a second factor): anything cached about it is stale. */
export class SessionAuthenticatedEvent extends DomainEvent {
  static readonly eventName = 'nest-auth.session.authenticated';
  readonly eventName = SessionAuthenticatedEvent.eventName;
  constructor(readonly sessionId: string, readonly userId: string) {
    super();
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const isId = (value: unknown) => typeof value === 'string' && UUID.test(value);
const isVersion = (value: unknown) => Number.isSafeInteger(value) && (value as number) > 0 && (value as number) < 2 ** 31;
const isShortText = (value: unknown) => typeof value === 'string' && value.length <= 64;
/** More than this many sessions in one message is not something we send. */
const MAX_SESSION_IDS = 10_000;

type EventClass = (new (...args: never[]) => DomainEvent) & { eventName: string };
type Shape = (p: Record<string, unknown>) => boolean;

/** Every event that may arrive from another instance, with what it must carry to be believed. */
const REMOTE_EVENTS: Array<[EventClass, Shape]> = [
  [UserRolesChangedEvent, (p) => isId(p.userId) && isVersion(p.version) && [p.roles, p.previousRoles].every((r) => Array.isArray(r) && r.length <= 64 && r.every(isShortText))],
  [UserSuspendedEvent, (p) => isId(p.userId) && isVersion(p.version)],
  [UserUnsuspendedEvent, (p) => isId(p.userId) && isVersion(p.version)],
  [UserPasswordChangedEvent, (p) => isId(p.userId) && isVersion(p.version) && (p.keepSessionId === null || isId(p.keepSessionId))],
  [UserSecondFactorChangedEvent, (p) => isId(p.userId) && isVersion(p.version) && typeof p.enabled === 'boolean' && (p.keepSessionId === null || isId(p.keepSessionId))],
  [SessionRevokedEvent, (p) => isId(p.sessionId) && isId(p.userId) && isShortText(p.reason)],
  [
    UserSessionsRevokedEvent,
    (p) =>
      isId(p.userId) && Array.isArray(p.sessionIds) && p.sessionIds.length <= MAX_SESSION_IDS && p.sessionIds.every(isId) && (p.keptSessionId === null || isId(p.keptSessionId)) && isShortText(p.reason),
  ],
  [SessionAuthenticatedEvent, (p) => isId(p.sessionId) && isId(p.userId)],
];

/** Every event class by name, to rebuild events that arrive from another instance. */
export const DOMAIN_EVENTS: Record<string, new (...args: never[]) => DomainEvent> = Object.fromEntries(REMOTE_EVENTS.map(([cls]) => [cls.eventName, cls]));
const SHAPES: Record<string, Shape> = Object.fromEntries(REMOTE_EVENTS.map(([cls, shape]) => [cls.eventName, shape]));

/**
 * Rebuilds an event from its JSON form, or null for anything unknown or malformed. Only the
 * fields an event class declares are taken, each checked; `occurredAt` is the receiver's clock.
 */
export function reviveDomainEvent(name: unknown, payload: unknown, receivedAt: Date): DomainEvent | null {
  const cls = typeof name === 'string' && Object.hasOwn(DOMAIN_EVENTS, name) ? DOMAIN_EVENTS[name] : undefined;
  if (!cls || typeof payload !== 'object' || payload === null || Array.isArray(payload)) return null;
  const fields = payload as Record<string, unknown>;
  if (!SHAPES[name as string](fields)) return null;
  const event = Object.create(cls.prototype) as DomainEvent;
  for (const [key, value] of Object.entries(fields)) if (key !== 'eventName' && key !== 'occurredAt' && key !== '__proto__') (event as unknown as Record<string, unknown>)[key] = value;
  return Object.assign(event, { eventName: name, occurredAt: receivedAt });
}
