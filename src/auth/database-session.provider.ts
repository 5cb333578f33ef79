import { Inject, Injectable } from '@nestjs/common';
import { DomainError } from '../common/domain-error.js';
import { SessionsService } from '../sessions/index.js';
import type { User } from '../users/index.js';
import type { ClientInfo } from './auth-context.js';
import type { AuthModuleOptions } from './auth-options.js';
import { toAuthUser } from './auth-user.js';
import { RolePermissions } from './role-permissions.js';
import { AUTH_MODULE_OPTIONS } from './auth.module-definition.js';
import { SessionProvider, type AuthResult, type IssuedCredentials, type PresentedCredential } from './session-provider.js';

/**
 * Database sessions: the opaque secret is the credential, and every request looks up its
 * row joined with the user (one SELECT), so revocation, suspension and role changes apply at once.
 */
@Injectable()
export class DatabaseSessionProvider extends SessionProvider {
  readonly name = 'database';
  readonly accessCookie = 'sid';

  constructor(
    @Inject(AUTH_MODULE_OPTIONS) private readonly options: AuthModuleOptions,
    private readonly sessions: SessionsService,
    private readonly permissions: RolePermissions,
  ) {
    super();
  }

  async authenticate(credential: PresentedCredential): Promise<AuthResult | null> {
    const session = await this.sessions.findBySecret(credential.token);
    const now = new Date();
    if (!session?.user || !this.sessions.isLive(session, now) || session.user.status !== 'active') return null;
    if (now.getTime() - session.lastSeenAt.getTime() >= this.options.session.touchIntervalMs) {
      await this.sessions.touch(session, this.options.session.idleTimeoutMs, now);
    }
    return {
      context: { user: toAuthUser(session.user, this.permissions.of(session.user.roles)), sessionId: session.id, transport: credential.transport },
    };
  }

  async signIn(user: User, client: ClientInfo): Promise<IssuedCredentials> {
    const { idleTimeoutMs, absoluteLifetimeMs } = this.options.session;
    const created = await this.sessions.create({ userId: user.id, userVersion: user.version, ...client, idleTimeoutMs, absoluteLifetimeMs });
    // The account changed (password reset, suspension) while this sign-in was being checked.
    if (!created) throw new DomainError('INVALID_CREDENTIALS', 'Invalid email or password');
    const { session, secret } = created;
    return { sessionId: session.id, accessToken: secret, accessExpiresInMs: absoluteLifetimeMs };
  }
}
