import { Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { reviveDomainEvent, type DomainEvent, type DomainEventBus, type EventTransport } from '../events/index.js';
import type { AuthMetrics } from './auth-metrics.js';
import type { RedisConnection } from './redis-connection.js';

const CHANNEL = 'nest-auth:invalidations';

interface Envelope {
  origin: string;
  name: string;
  sentAt: number;
  payload: unknown;
}

/** Redis pub/sub between instances: every event goes out; what comes in reaches invalidation listeners only. */
export class RedisEventTransport implements EventTransport {
  private readonly logger = new Logger('EventBus');
  /** Our own messages come back to us: skip them by origin. */
  private readonly origin = randomUUID();

  constructor(
    private readonly redis: RedisConnection,
    private readonly bus: DomainEventBus,
    private readonly metrics: AuthMetrics,
  ) {}

  async start(): Promise<void> {
    const subscriber = this.redis.subscriber!;
    subscriber.on('message', (channel: string, message: string) => {
      if (channel === CHANNEL) void this.deliver(message);
    });
    // Queued until connected when Redis is down at boot: the instance starts anyway.
    void subscriber.subscribe(CHANNEL).catch(() => undefined);
  }

  async broadcast(event: DomainEvent): Promise<void> {
    const envelope: Envelope = { origin: this.origin, name: event.eventName, sentAt: Date.now(), payload: event };
    await this.redis.client!.publish(CHANNEL, JSON.stringify(envelope));
    this.metrics.published.inc();
  }

  private async deliver(message: string): Promise<void> {
    let envelope: Envelope;
    try {
      envelope = JSON.parse(message) as Envelope;
    } catch {
      return;
    }
    if (envelope.origin === this.origin) return;
    const event = reviveDomainEvent(envelope.name, envelope.payload);
    if (!event) return;
    this.metrics.received.inc({ source: 'pubsub' });
    if (typeof envelope.sentAt === 'number') this.metrics.delay.observe(Math.max(0, Date.now() - envelope.sentAt) / 1000);
    try {
      await this.bus.receive(event);
    } catch (error) {
      this.logger.warn({ event: 'event.receive_failed', name: event.eventName, error: (error as Error).message });
    }
  }
}
