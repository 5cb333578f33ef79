import { Injectable, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { DomainEventBus } from '../events/index.js';
import { AuthMetrics } from './auth-metrics.js';
import { RedisConnection } from './redis-connection.js';
import { RedisEventTransport } from './redis-event-transport.js';

/** With Redis configured, attaches the pub/sub transport to the bus; closes the connections at shutdown. */
@Injectable()
export class InvalidationBroadcast implements OnModuleInit, OnApplicationShutdown {
  constructor(
    private readonly redis: RedisConnection,
    private readonly bus: DomainEventBus,
    private readonly metrics: AuthMetrics,
  ) {
    metrics.addGauges(() => ({ redis_up: { disabled: -1, up: 1, down: 0 }[redis.state] }));
  }

  async onModuleInit(): Promise<void> {
    if (!this.redis.client) return;
    const transport = new RedisEventTransport(this.redis, this.bus, this.metrics);
    await transport.start();
    this.bus.attach(transport);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.redis.close();
  }
}
