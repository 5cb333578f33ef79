import { Injectable } from '@nestjs/common';
import { EventEmitter2, OnEvent } from '@nestjs/event-emitter';
import type { DomainEvent } from './domain-events.js';

/**
 * The one bus domain events travel on. Emitters depend on this abstraction only, so a
 * cross-instance transport can replace the in-process one without touching them.
 * `publish` resolves once every local listener has finished.
 */
export abstract class DomainEventBus {
  abstract publish(event: DomainEvent): Promise<void>;
}

@Injectable()
export class InProcessEventBus extends DomainEventBus {
  constructor(private readonly emitter: EventEmitter2) {
    super();
  }

  async publish(event: DomainEvent): Promise<void> {
    await this.emitter.emitAsync(event.eventName, event);
  }
}

/** Subscribes a method to one event class; errors propagate to the publisher. */
export function OnDomainEvent(event: { eventName: string }): MethodDecorator {
  return OnEvent(event.eventName, { suppressErrors: false });
}
