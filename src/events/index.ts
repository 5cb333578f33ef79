export * from './domain-events.js';
export { DomainEventBus, OnDomainEvent } from './event-bus.js';
export { EventsModule } from './events.module.js';
