/**
 * Database strategy, opt-in: the session-with-user lookup kept in memory for a short TTL, keyed
 * by token hash, bounded in entries (oldest out first). Invalidations drop entries by session and
 * by user on every instance. A lookup that raced an invalidation is not cached: `generation` moves
 * on every invalidation, and `set` refuses a value read before the latest one.
 */
export class SessionCache<T extends { id: string; userId: string }> {
  private readonly entries = new Map<string, { value: T; until: number }>();
  private generationCounter = 0;
  hits = 0;
  misses = 0;

  constructor(
    private readonly ttlMs: number,
    private readonly capacity = 10_000,
  ) {}

  get enabled(): boolean {
    return this.ttlMs > 0;
  }

  get generation(): number {
    return this.generationCounter;
  }

  get size(): number {
    return this.entries.size;
  }

  get(key: string, now = Date.now()): T | undefined {
    const entry = this.entries.get(key);
    if (entry && entry.until > now) {
      this.hits += 1;
      return entry.value;
    }
    if (entry) this.entries.delete(key);
    this.misses += 1;
    return undefined;
  }

  /** Caches a value read at `readGeneration`, unless an invalidation happened since. */
  set(key: string, value: T, readGeneration: number, now = Date.now()): void {
    if (!this.enabled || readGeneration !== this.generationCounter) return;
    // A re-read replaces its own entry; only a new key makes room by evicting the oldest.
    this.entries.delete(key);
    if (this.entries.size >= this.capacity) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    this.entries.set(key, { value, until: now + this.ttlMs });
  }

  dropSessions(ids: string[]): void {
    this.generationCounter += 1;
    if (this.entries.size === 0) return;
    const gone = new Set(ids);
    for (const [key, entry] of this.entries) if (gone.has(entry.value.id)) this.entries.delete(key);
  }

  dropUser(userId: string): void {
    this.generationCounter += 1;
    for (const [key, entry] of this.entries) if (entry.value.userId === userId) this.entries.delete(key);
  }
}
