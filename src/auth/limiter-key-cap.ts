import type { RateLimiterAbstract } from 'rate-limiter-flexible';

/**
 * The in-memory limiter store keeps an entry (about 1 KB with its timer) per distinct key for the
 * whole window, up to a day: a spray of made-up addresses would grow it without end. This keeps
 * the most recently counted `capacity` keys and forgets the oldest beyond that. Forgetting a
 * counter early favours the attacker only after `capacity` other keys were counted since, which
 * the per-address limit makes slow. Redis stores need none of this (they expire and evict).
 */
export class LimiterKeyCap {
  private readonly keys = new Map<string, true>();

  constructor(
    private readonly limiters: RateLimiterAbstract[],
    readonly capacity: number,
  ) {}

  /** Notes a key as just used; drops the least recently used beyond the capacity. */
  touch(key: string): void {
    this.keys.delete(key);
    this.keys.set(key, true);
    while (this.keys.size > this.capacity) {
      const oldest = this.keys.keys().next().value as string;
      this.keys.delete(oldest);
      for (const limiter of this.limiters) void limiter.delete(oldest).catch(() => undefined);
    }
  }

  get size(): number {
    return this.keys.size;
  }
}
