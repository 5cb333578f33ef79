import type { TokensOptions } from './tokens-options.js';

/** Clock drift allowed between instances when deciding an entry can no longer matter. */
const SKEW_MS = 30_000;

/**
 * What makes an unexpired access token unacceptable, held in memory so the authenticated read
 * path runs no query: revoked session ids, and per-user claim versions newer than old tokens.
 * An entry is kept only as long as a token issued before it could still be alive.
 */
export class RevocationRegistry {
  private readonly revokedSessions = new Map<string, number>();
  private readonly claimVersions = new Map<string, { version: number; until: number }>();
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly options: Pick<TokensOptions, 'accessTtlMs'>) {
    this.timer = setInterval(() => this.prune(), 60_000);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
  }

  /** Entries only ever lengthen: a late or replayed message cannot shorten a revocation. */
  revokeSession(sessionId: string, at = Date.now()): void {
    const until = at + this.options.accessTtlMs + SKEW_MS;
    this.revokedSessions.set(sessionId, Math.max(until, this.revokedSessions.get(sessionId) ?? 0));
  }

  /** Tokens of this user encoded with a version below `version` are stale. */
  claimsChanged(userId: string, version: number, at = Date.now()): void {
    const current = this.claimVersions.get(userId);
    if (current && current.version > version) return;
    const until = at + this.options.accessTtlMs + SKEW_MS;
    this.claimVersions.set(userId, { version, until: current?.version === version ? Math.max(until, current.until) : until });
  }

  isSessionRevoked(sessionId: string): boolean {
    return this.revokedSessions.has(sessionId);
  }

  areClaimsStale(userId: string, version: number): boolean {
    const entry = this.claimVersions.get(userId);
    return entry !== undefined && version < entry.version;
  }

  prune(now = Date.now()): void {
    for (const [id, until] of this.revokedSessions) if (until <= now) this.revokedSessions.delete(id);
    for (const [id, entry] of this.claimVersions) if (entry.until <= now) this.claimVersions.delete(id);
  }

  /** How far back the database must be read to rebuild this registry after a restart. */
  get windowMs(): number {
    return this.options.accessTtlMs + SKEW_MS;
  }

  get size(): { sessions: number; users: number } {
    return { sessions: this.revokedSessions.size, users: this.claimVersions.size };
  }
}
