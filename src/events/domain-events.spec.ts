import { describe, expect, it } from '@jest/globals';
import { reviveDomainEvent, SessionRevokedEvent, UserRolesChangedEvent, UserSessionsRevokedEvent } from './domain-events.js';

const id = '3f1c2b8e-9a4d-4c7e-8b1a-2d3e4f5a6b7c';

describe('reviveDomainEvent (messages from other instances are untrusted input)', () => {
  const received = new Date('2030-01-01T00:00:00Z');

  it('rebuilds a well-formed event, dated by the receiver', () => {
    const event = reviveDomainEvent(SessionRevokedEvent.eventName, { sessionId: id, userId: id, reason: 'logout', occurredAt: '1970-01-01T00:00:00Z' }, received);
    expect(event).toBeInstanceOf(SessionRevokedEvent);
    expect(event?.occurredAt).toEqual(received);
  });

  it.each([
    ['unknown name', 'nest-auth.nope', { userId: id }],
    ['null payload', SessionRevokedEvent.eventName, null],
    ['array payload', SessionRevokedEvent.eventName, [id]],
    ['not a uuid', SessionRevokedEvent.eventName, { sessionId: 'x', userId: id, reason: 'logout' }],
    ['ids not an array', UserSessionsRevokedEvent.eventName, { userId: id, sessionIds: 5, keptSessionId: null, reason: 'x' }],
    ['too many ids', UserSessionsRevokedEvent.eventName, { userId: id, sessionIds: Array(10_001).fill(id), keptSessionId: null, reason: 'x' }],
    ['huge version', UserRolesChangedEvent.eventName, { userId: id, version: 1e15, roles: [], previousRoles: [] }],
    ['fractional version', UserRolesChangedEvent.eventName, { userId: id, version: 1.5, roles: [], previousRoles: [] }],
    ['prototype name', '__proto__', { userId: id }],
  ])('refuses %s', (_why, name, payload) => {
    expect(reviveDomainEvent(name, payload, received)).toBeNull();
  });
});
