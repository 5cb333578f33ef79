import { Inject, Injectable } from '@nestjs/common';
import { DomainError } from '../common/domain-error.js';
import type { MaybePromise } from '../common/maybe-promise.js';
import { AuthMetrics } from '../cluster/index.js';
import { hashSessionSecret, isWellFormedSecret, SessionLookup, SessionsService, type Assurance, type SessionRecord } from '../sessions/index.js';
import type { User } from '../users/index.js';
import type { ClientInfo } from './auth-context.js';
import type { AuthModuleOptions } from './auth-options.js';
import { toAuthUser } from './auth-user.js';
import { RolePermissions } from './role-permissions.js';
import { AUTH_MODULE_OPTIONS } from './auth.module-definition.js';
import { SessionCache } from './session-cache.js';
import { SessionProvider, type AuthResult, type IssuedCredentials, type PresentedCredential } from './session-provider.js';

/**
 * Database sessions: the opaque secret is the credential, and every request looks up its
 * row joined with the user (one SELECT), so revocation, suspension and role changes apply at once.
 * With `sessionCacheTtlMs`, lookups are served from memory for that long; invalidations (broadcast
 * to every instance, or read back by the sync) drop the entries.
 */
@Injectable()
export class DatabaseSessionProvider extends SessionProvider {
  readonly name = 'database';
  readonly accessCookie = 'sid';
  private readonly cache: SessionCache<SessionRecord>;

  constructor(
    @Inject(AUTH_MODULE_OPTIONS) private readonly options: AuthModuleOptions,
    private readonly sessions: SessionsService,
    private readonly lookup: SessionLookup,
    private readonly permissions: RolePermissions,
    metrics: AuthMetrics,
  ) {
    super();
    this.cache = new SessionCache(options.sessionCacheTtlMs ?? 0);
    metrics.addGauges((): Record<string, number> => {
      const lookups = this.cache.hits + this.cache.misses;
      return this.cache.enabled ? { session_cache_entries: this.cache.size, session_cache_hit_ratio: lookups ? this.cache.hits / lookups : 0 } : {};
    });
  }

  /** Synchronous on a cache hit between touches; otherwise one SELECT (and, once an interval, the touch). */
  authenticate(credential: PresentedCredential): MaybePromise<AuthResult | null> {
    if (!isWellFormedSecret(credential.token)) return null;
    const key = hashSessionSecret(credential.token);
    if (!this.cache.enabled) return this.lookup.find(key).then((session) => this.admit(session, credential));
    const cached = this.cache.get(key);
    // Another instance may have slid the idle expiry meanwhile: an entry that looks idle-expired is read again.
    if (cached && cached.idleExpiresAt.getTime() > Date.now()) return this.admit(cached, credential);
    const generation = this.cache.generation;
    return this.lookup.find(key).then((session) => {
      if (session) this.cache.set(key, session, generation);
      return this.admit(session, credential);
    });
  }

  private admit(session: SessionRecord | null, credential: PresentedCredential): MaybePromise<AuthResult | null> {
    const now = new Date();
    if (!session?.user || !this.sessions.isLive(session, now) || session.user.status !== 'active') return null;
    const result: AuthResult = {
      context: {
        user: toAuthUser(session.user, this.permissions.of(session.user.roles)),
        sessionId: session.id,
        transport: credential.transport,
        amr: session.amr,
        ...(session.authTime ? { authTime: new Date(session.authTime.getTime()) } : {}),
      },
    };
    if (now.getTime() - session.lastSeenAt.getTime() < this.options.session.touchIntervalMs) return result;
    return this.lookup.touch(session, this.options.session.idleTimeoutMs, now).then(() => result);
  }

  /** Invalidations (every instance): a revoked session or a changed user is read afresh next time. */
  override onSessionsRevoked(sessionIds: string[]): void {
    this.cache.dropSessions(sessionIds);
  }

  override onSessionsChanged(sessionIds: string[]): void {
    this.cache.dropSessions(sessionIds);
  }

  override onClaimsChanged(userId: string): void {
    this.cache.dropUser(userId);
  }

  async signIn(user: User, client: ClientInfo, assurance?: Assurance): Promise<IssuedCredentials> {
    const { idleTimeoutMs, absoluteLifetimeMs } = this.options.session;
    const created = await this.sessions.create({ userId: user.id, userVersion: user.version, ...client, idleTimeoutMs, absoluteLifetimeMs, assurance });
    // The account changed (password reset, suspension) while this sign-in was being checked.
    if (!created) throw new DomainError('INVALID_CREDENTIALS', 'Invalid email or password');
    const { session, secret } = created;
    return { sessionId: session.id, accessToken: secret, accessExpiresInMs: absoluteLifetimeMs };
  }
}
