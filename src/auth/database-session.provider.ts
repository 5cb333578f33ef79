import { Inject, Injectable } from '@nestjs/common';
import { DomainError } from '../common/domain-error.js';
import { SessionsService } from '../sessions/index.js';
import type { User } from '../users/index.js';
import type { AuthContext, AuthenticatedRequest, ClientInfo } from './auth-context.js';
import { AuthCookies } from './auth-cookies.js';
import type { AuthModuleOptions } from './auth-options.js';
import { toAuthUser } from './auth-user.js';
import { RolePermissions } from './role-permissions.js';
import { AUTH_MODULE_OPTIONS } from './auth.module-definition.js';
import { SessionProvider, type IssuedCredentials } from './session-provider.js';

/**
 * Database sessions: the opaque secret is the credential, and every request looks up its
 * row joined with the user (one SELECT), so revocation, suspension and role changes apply at once.
 */
@Injectable()
export class DatabaseSessionProvider extends SessionProvider {
  readonly strategy = 'database' as const;

  constructor(
    @Inject(AUTH_MODULE_OPTIONS) private readonly options: AuthModuleOptions,
    private readonly sessions: SessionsService,
    private readonly cookies: AuthCookies,
    private readonly permissions: RolePermissions,
  ) {
    super();
  }

  async authenticate(req: AuthenticatedRequest): Promise<AuthContext | null> {
    const credential = this.cookies.extract(req);
    if (!credential) return null;
    const session = await this.sessions.findBySecret(credential.token);
    const now = new Date();
    if (!session?.user || !this.sessions.isLive(session, now) || session.user.status !== 'active') return null;
    if (now.getTime() - session.lastSeenAt.getTime() >= this.options.session.touchIntervalMs) {
      await this.sessions.touch(session, this.options.session.idleTimeoutMs, now);
    }
    return { user: toAuthUser(session.user, this.permissions.of(session.user.roles)), sessionId: session.id, transport: credential.transport };
  }

  async signIn(user: User, client: ClientInfo): Promise<IssuedCredentials> {
    const { idleTimeoutMs, absoluteLifetimeMs } = this.options.session;
    const created = await this.sessions.create({ userId: user.id, userVersion: user.version, ...client, idleTimeoutMs, absoluteLifetimeMs });
    // The account changed (password reset, suspension) while this sign-in was being checked.
    if (!created) throw new DomainError('INVALID_CREDENTIALS', 'Invalid email or password');
    const { session, secret } = created;
    return { sessionId: session.id, accessToken: secret, accessExpiresInMs: absoluteLifetimeMs };
  }

  refresh(): Promise<never> {
    return Promise.reject(new DomainError('UNSUPPORTED_GRANT', 'Database sessions have no refresh token'));
  }
}
