export * from './domain-events.js';
export { DomainEventBus, OnDomainEvent, type Delivery, type EventTransport } from './event-bus.js';
export { EventsModule } from './events.module.js';
