/**
 * Remembers tokens whose signature already verified, keyed by the exact token string, so a
 * repeated token skips the signature check. Bounded: the oldest entry goes first when full.
 * Callers still check expiry and revocation on every hit.
 */
export class VerifiedTokenCache<T> {
  private readonly entries = new Map<string, T>();

  constructor(private readonly capacity: number) {}

  get(token: string): T | undefined {
    return this.entries.get(token);
  }

  set(token: string, value: T): void {
    if (this.entries.size >= this.capacity) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    this.entries.set(token, value);
  }

  get size(): number {
    return this.entries.size;
  }
}
