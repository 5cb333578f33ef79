import { Global, Module } from '@nestjs/common';
import { EventEmitterModule } from '@nestjs/event-emitter';
import { DomainEventBus, InProcessEventBus } from './event-bus.js';

@Global()
@Module({
  imports: [EventEmitterModule.forRoot({ wildcard: false })],
  providers: [{ provide: DomainEventBus, useClass: InProcessEventBus }],
  exports: [DomainEventBus],
})
export class EventsModule {}
