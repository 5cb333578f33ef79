/**
 * Remembers tokens whose signature already verified, keyed by the exact token string, so a
 * repeated token skips the signature check. Bounded in entries and in (estimated) bytes: the
 * oldest entries go first. Callers still check expiry and revocation on every hit.
 */
export class VerifiedTokenCache<T> {
  private readonly entries = new Map<string, T>();
  private bytes = 0;

  constructor(
    private readonly capacity: number,
    /** The key is held as UTF-16 and the decoded claims take about as much again: ~4 bytes per token character. */
    private readonly maxBytes = 16 * 1024 * 1024,
  ) {}

  get(token: string): T | undefined {
    return this.entries.get(token);
  }

  set(token: string, value: T): void {
    if (this.entries.has(token)) return;
    const size = VerifiedTokenCache.sizeOf(token);
    while (this.entries.size > 0 && (this.entries.size >= this.capacity || this.bytes + size > this.maxBytes)) {
      const oldest = this.entries.keys().next().value as string;
      this.entries.delete(oldest);
      this.bytes -= VerifiedTokenCache.sizeOf(oldest);
    }
    this.entries.set(token, value);
    this.bytes += size;
  }

  get size(): number {
    return this.entries.size;
  }

  get estimatedBytes(): number {
    return this.bytes;
  }

  private static sizeOf(token: string): number {
    return token.length * 4;
  }
}
