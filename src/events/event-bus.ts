import { Injectable, Logger } from '@nestjs/common';
import { EventEmitter2, OnEvent } from '@nestjs/event-emitter';
import { DomainEvent } from './domain-events.js';

/**
 * How a listener runs. A `reaction` writes (ending sessions on suspension): it runs once, on the
 * instance where the change was made. An `invalidation` only forgets or marks (drop a cached
 * session, mark a token revoked): it runs on every instance.
 */
export type Delivery = 'reaction' | 'invalidation';

/** Carries events to the other instances (Redis pub/sub); their buses deliver them to invalidations only. */
export interface EventTransport {
  broadcast(event: DomainEvent): Promise<void>;
}

/**
 * The one bus domain events travel on. Emitters depend on this abstraction only.
 * `publish` resolves once every local listener has finished; the broadcast to other instances
 * is fire-and-forget (the database catch-up covers a lost message).
 */
export abstract class DomainEventBus {
  abstract publish(event: DomainEvent): Promise<void>;
  /** An event that happened on another instance: only invalidation listeners run. */
  abstract receive(event: DomainEvent): Promise<void>;
  abstract attach(transport: EventTransport): void;
}

/** An event class: its static `eventName` names it on the bus. */
export type DomainEventClass = (abstract new (...args: never[]) => DomainEvent) & { eventName: string };

const invalidationName = (eventName: string) => `invalidation:${eventName}`;

@Injectable()
export class InProcessEventBus extends DomainEventBus {
  private readonly logger = new Logger('EventBus');
  private transport?: EventTransport;

  constructor(private readonly emitter: EventEmitter2) {
    super();
  }

  attach(transport: EventTransport): void {
    this.transport = transport;
  }

  async publish(event: DomainEvent): Promise<void> {
    // Forget first, here and everywhere (before a reaction can fail), then react (writes, which may publish further events).
    await this.emitter.emitAsync(invalidationName(event.eventName), event);
    this.transport?.broadcast(event).catch((error: unknown) => {
      this.logger.warn({ event: 'event.broadcast_failed', name: event.eventName, error: (error as Error).message });
    });
    await this.emitter.emitAsync(event.eventName, event);
  }

  async receive(event: DomainEvent): Promise<void> {
    await this.emitter.emitAsync(invalidationName(event.eventName), event);
  }
}

/**
 * Subscribes a method to one event class, as a reaction (default) or an invalidation; errors
 * propagate to the publisher. The event emitter's discovery also binds it to any other emitter in
 * the application (a host's own): the method runs only for a real instance of the class, so a
 * look-alike payload emitted there under the same name does nothing.
 */
export function OnDomainEvent(event: DomainEventClass, options: { delivery?: Delivery } = {}): MethodDecorator {
  const name = options.delivery === 'invalidation' ? invalidationName(event.eventName) : event.eventName;
  return (target, key, descriptor: TypedPropertyDescriptor<any>) => {
    const handle = descriptor.value as (payload: unknown) => unknown;
    descriptor.value = function (this: unknown, payload: unknown) {
      return payload instanceof event ? handle.call(this, payload) : undefined;
    };
    Object.defineProperty(descriptor.value, 'name', { value: handle.name });
    return OnEvent(name, { suppressErrors: false })(target, key, descriptor);
  };
}
