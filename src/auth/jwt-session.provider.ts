import { Inject, Injectable, Logger } from '@nestjs/common';
import { DomainError } from '../common/domain-error.js';
import type { MaybePromise } from '../common/maybe-promise.js';
import { hashSessionSecret, SessionsService, type Assurance, type Session } from '../sessions/index.js';
import { AuthMetrics } from '../cluster/index.js';
import { createJwtTokens, type AccessClaims, type JwtTokens } from '../tokens/index.js';
import type { User } from '../users/index.js';
import type { ClientInfo } from './auth-context.js';
import type { AuthModuleOptions } from './auth-options.js';
import { AUTH_MODULE_OPTIONS } from './auth.module-definition.js';
import { toAuthUser } from './auth-user.js';
import { RolePermissions } from './role-permissions.js';
import { SignInLimiter } from './sign-in-limiter.js';
import { SessionProvider, type AuthResult, type IssuedCredentials, type PresentedCredential } from './session-provider.js';

function invalidGrant(): DomainError {
  return new DomainError('INVALID_GRANT', 'The refresh token is invalid or expired');
}

/**
 * JWT sessions: a short-lived signed access token verified without the database, in front of the
 * session row whose secret is the rotating refresh token. Revocations and claim changes reach
 * access tokens through the in-memory `RevocationRegistry`, so authenticated reads run no query.
 */
@Injectable()
export class JwtSessionProvider extends SessionProvider {
  readonly name = 'jwt';
  readonly accessCookie = 'at';
  override readonly tokenFormat = 'jwt' as const;
  private readonly audit = new Logger('Audit');
  private readonly tokens: JwtTokens;

  constructor(
    @Inject(AUTH_MODULE_OPTIONS) private readonly options: AuthModuleOptions,
    private readonly sessions: SessionsService,
    private readonly permissions: RolePermissions,
    private readonly metrics: AuthMetrics,
    private readonly limiter: SignInLimiter,
  ) {
    super();
    if (!options.jwt) throw new Error('AuthModule: the jwt strategy needs the `jwt` options');
    this.tokens = createJwtTokens(options.jwt);
    metrics.addGauges(() => {
      const { sessions, users } = this.registry.size;
      return { registry_revoked_sessions: sessions, registry_claim_versions: users, verified_token_cache_entries: this.tokens.access.cachedTokens.entries, verified_token_cache_bytes: this.tokens.access.cachedTokens.bytes };
    });
  }

  private get registry() {
    return this.tokens.registry;
  }

  /** Revocations made before a restart still hold: the boot catch-up reads back one access-token lifetime. */
  override get revocationWindowMs(): number {
    return this.registry.windowMs;
  }

  override close(): void {
    this.registry.onModuleDestroy();
  }

  override jwks() {
    return this.tokens.keys.jwks();
  }

  override onSessionsRevoked(sessionIds: string[], at: Date): void {
    for (const id of sessionIds) this.registry.revokeSession(id, at.getTime());
  }

  override onClaimsChanged(userId: string, version: number, at: Date): void {
    this.registry.claimsChanged(userId, version, at.getTime());
  }

  /** Verifies an access token and applies the registry: synchronous, 0 queries, unless the claims must be re-encoded. */
  authenticate({ token, transport }: PresentedCredential): MaybePromise<AuthResult | null> {
    const claims = this.tokens.access.verify(token);
    if (!claims || this.registry.isSessionRevoked(claims.sid)) return null;
    if (this.registry.areClaimsStale(claims.sub, claims.ver)) {
      // A bearer client holds its token itself: tell it to refresh. A browser gets new claims in place.
      if (transport === 'bearer') throw new DomainError('CLAIMS_CHANGED', 'The user\'s roles or permissions changed; refresh the access token');
      return this.reencode(claims);
    }
    return {
      context: {
        user: { id: claims.sub, email: claims.email, name: claims.name, roles: claims.roles, permissions: claims.perms, status: 'active' },
        sessionId: claims.sid,
        transport,
        amr: claims.amr,
        authTime: new Date(claims.auth_time * 1000),
      },
    };
  }

  async signIn(user: User, client: ClientInfo, assurance?: Assurance): Promise<IssuedCredentials> {
    const { idleTimeoutMs, absoluteLifetimeMs } = this.options.session;
    const created = await this.sessions.create({ userId: user.id, userVersion: user.version, ...client, idleTimeoutMs, absoluteLifetimeMs, assurance });
    // The account changed (password reset, suspension) while this sign-in was being checked.
    if (!created) throw new DomainError('INVALID_CREDENTIALS', 'Invalid email or password');
    const { session, secret } = created;
    return this.credentials(session, user, secret);
  }

  /**
   * Rotation with reuse detection. The successor of a refresh token is derived from it, so
   * concurrent refreshes of one token within the grace window all receive the same successor;
   * presenting an already-rotated token after the window revokes the whole session.
   */
  override async refresh(refreshToken: string, client: ClientInfo): Promise<IssuedCredentials & { user: User }> {
    const now = new Date();
    const presented = hashSessionSecret(refreshToken);
    const session = await this.sessions.findBySecret(refreshToken);
    if (session) {
      this.assertUsable(session, now);
      await this.limiter.takeRefresh(session.id);
      const successor = this.tokens.refresh.successorOf(refreshToken, session.rotationNonce);
      const successorHash = hashSessionSecret(successor);
      if (!(await this.sessions.rotate(session, presented, successorHash, this.options.session.idleTimeoutMs, now))) {
        // A concurrent refresh of the same token won the race; from the same nonce it produced this very successor.
        const current = await this.sessions.findWithUser(session.id);
        if (current?.tokenHash !== successorHash) throw invalidGrant();
        this.assertUsable(current, now);
      }
      return { ...this.credentials(session, session.user!, successor), user: session.user! };
    }
    // Not current: it may be a token this session already rotated away from.
    const used = await this.sessions.findRotated(presented);
    const owner = used ? await this.sessions.findWithUser(used.sessionId) : null;
    if (!used || !owner) throw invalidGrant();
    this.assertUsable(owner, now);
    await this.limiter.takeRefresh(owner.id);
    const successor = this.tokens.refresh.successorOf(refreshToken, used.nonce);
    const withinGrace = now.getTime() - used.rotatedAt.getTime() <= this.options.jwt!.refreshGraceMs;
    if (withinGrace && owner.tokenHash === hashSessionSecret(successor)) {
      return { ...this.credentials(owner, owner.user!, successor), user: owner.user! };
    }
    // A replay: whoever holds this token is not the client that rotated it. End the whole sign-in.
    await this.sessions.revoke(owner.id, owner.userId, 'refresh_reuse');
    this.metrics.reuseDetections.inc();
    this.audit.warn({ event: 'auth.refresh_reuse_detected', userId: owner.userId, sessionId: owner.id, ip: client.ip });
    throw invalidGrant();
  }

  private assertUsable(session: Session, now: Date): void {
    if (!session.user || !this.sessions.isLive(session, now) || session.user.status !== 'active') throw invalidGrant();
  }

  /** Loads the user once and issues a token with the current claims, for the transport to set as a cookie. */
  private async reencode(claims: AccessClaims): Promise<AuthResult | null> {
    const current = await this.currentToken(claims.sid);
    if (!current) return null;
    const { session, issued } = current;
    return {
      context: { user: toAuthUser(session.user!, issued.claims.perms), sessionId: session.id, transport: 'cookie', amr: issued.claims.amr, authTime: new Date(issued.claims.auth_time * 1000) },
      reissue: { sessionId: session.id, accessToken: issued.token, accessExpiresInMs: issued.expiresInMs },
    };
  }

  /** The session re-authenticated: a token with its new `amr` and `auth_time` (older tokens keep the older claims until they expire). */
  override async reissueAccess(sessionId: string): Promise<IssuedCredentials | null> {
    const current = await this.currentToken(sessionId);
    return current && { sessionId, accessToken: current.issued.token, accessExpiresInMs: current.issued.expiresInMs };
  }

  private async currentToken(sessionId: string) {
    const session = await this.sessions.findWithUser(sessionId);
    if (!session?.user || !this.sessions.isLive(session) || session.user.status !== 'active') return null;
    return { session, issued: this.tokens.access.issue(this.subject(session, session.user), session.absoluteExpiresAt) };
  }

  private credentials(session: Session, user: User, refreshToken: string): IssuedCredentials {
    const issued = this.tokens.access.issue(this.subject(session, user), session.absoluteExpiresAt);
    return {
      sessionId: session.id,
      accessToken: issued.token,
      accessExpiresInMs: issued.expiresInMs,
      refreshToken,
      refreshExpiresInMs: Math.max(0, session.absoluteExpiresAt.getTime() - Date.now()),
    };
  }

  private subject(session: Session, user: User) {
    const perms = this.permissions.of(user.roles);
    // A row from before sessions recorded it counts as authenticated at its creation.
    const authTime = session.authTime ?? session.createdAt;
    return { sub: user.id, sid: session.id, email: user.email, name: user.name, roles: user.roles, perms, ver: user.version, amr: session.amr.split(' '), auth_time: Math.floor(authTime.getTime() / 1000) };
  }
}
