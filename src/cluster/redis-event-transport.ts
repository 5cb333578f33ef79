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
      // Anything on the channel is untrusted input: nothing it carries may throw out of here.
      if (channel === CHANNEL) this.deliver(message).catch(() => undefined);
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
    let envelope: Partial<Envelope> | null;
    try {
      envelope = JSON.parse(message) as Partial<Envelope> | null;
    } catch {
      return;
    }
    if (typeof envelope !== 'object' || envelope === null || envelope.origin === this.origin) return;
    // The sender's clock is not trusted: an invalidation counts from when it arrived here.
    const event = reviveDomainEvent(envelope.name, envelope.payload, new Date());
    if (!event) {
      this.logger.warn({ event: 'event.rejected', reason: 'malformed invalidation message' });
      return;
    }
    this.metrics.received.inc({ source: 'pubsub' });
    const delay = typeof envelope.sentAt === 'number' ? Date.now() - envelope.sentAt : -1;
    if (delay >= 0 && delay < 3_600_000) this.metrics.delay.observe(delay / 1000);
    try {
      await this.bus.receive(event);
    } catch (error) {
      this.logger.warn({ event: 'event.receive_failed', name: event.eventName, error: (error as Error).message });
    }
  }
}
