import { Logger } from '@nestjs/common';
import { Redis, type RedisOptions } from 'ioredis';

export type RedisState = 'disabled' | 'up' | 'down';

/**
 * The instance's two Redis connections (commands, and a subscriber), or none without `REDIS_URL`.
 * Redis being down never fails a request: commands fail fast (no offline queue) and callers fall
 * back; subscriptions are restored by the client when it reconnects, and `onReconnect` lets the
 * instance catch up on what it missed meanwhile.
 */
export class RedisConnection {
  private readonly logger = new Logger('Redis');
  readonly client: Redis | null = null;
  readonly subscriber: Redis | null = null;
  private up = false;
  private wasDown = false;
  private readonly reconnectListeners: Array<() => void> = [];

  constructor(url: string | null | undefined) {
    if (!url) return;
    const common: RedisOptions = {
      connectTimeout: 2_000,
      retryStrategy: (attempt) => Math.min(attempt * 200, 2_000),
      lazyConnect: false,
    };
    // Commands answer within a second or fail; a limiter then falls back to memory.
    this.client = new Redis(url, { ...common, enableOfflineQueue: false, maxRetriesPerRequest: 1, commandTimeout: 1_000 });
    // The subscriber queues its SUBSCRIBE until connected, and re-subscribes after every reconnect.
    this.subscriber = new Redis(url, { ...common, maxRetriesPerRequest: null });
    this.client.on('ready', () => this.setUp(true));
    this.client.on('close', () => this.setUp(false));
    this.subscriber.on('ready', () => {
      if (this.wasDown) for (const listener of this.reconnectListeners) listener();
    });
    this.subscriber.on('close', () => (this.wasDown = true));
    // ioredis reports every failed attempt; the state change is what matters, logged once in setUp.
    this.client.on('error', () => undefined);
    this.subscriber.on('error', () => undefined);
    // A Redis that hangs instead of refusing looks connected: probe it, and reconnect both when it does not answer.
    this.watchdog = setInterval(() => void this.probe(), 2_000);
    this.watchdog.unref();
  }

  private watchdog?: NodeJS.Timeout;

  private async probe(): Promise<void> {
    const client = this.client;
    if (!client || client.status !== 'ready') return;
    try {
      await client.ping();
    } catch {
      this.setUp(false);
      client.disconnect(true);
      this.subscriber?.disconnect(true);
    }
  }

  get state(): RedisState {
    if (!this.client) return 'disabled';
    // Both connections reconnect on their own schedules: until the subscriber is back, other instances' invalidations are not arriving.
    return this.up && this.subscriber?.status === 'ready' ? 'up' : 'down';
  }

  /** Runs after the subscriber reconnects (messages published meanwhile were lost). */
  onReconnect(listener: () => void): void {
    this.reconnectListeners.push(listener);
  }

  async close(): Promise<void> {
    clearInterval(this.watchdog);
    // QUIT would wait in the offline queue for a Redis that never answers: only a live connection says goodbye.
    await Promise.all(
      [this.client, this.subscriber].map(async (c) => {
        if (c?.status === 'ready') await c.quit().catch(() => c.disconnect());
        else c?.disconnect();
      }),
    );
  }

  private setUp(up: boolean): void {
    if (up === this.up) return;
    this.up = up;
    if (up) this.logger.log({ event: 'redis.up' });
    else this.logger.warn({ event: 'redis.down', degraded: 'invalidations fall back to the database sync; sign-in limits are per instance until it returns' });
  }
}
