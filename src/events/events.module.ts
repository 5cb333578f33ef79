import { Module } from '@nestjs/common';
import { EventEmitterModule } from '@nestjs/event-emitter';
import { DomainEventBus, InProcessEventBus } from './event-bus.js';

/** The module's own bus: not global, so a host's own event emitter stays untouched. */
@Module({
  imports: [EventEmitterModule.forRoot({ wildcard: false, global: false })],
  providers: [{ provide: DomainEventBus, useClass: InProcessEventBus }],
  exports: [DomainEventBus],
})
export class EventsModule {}
