import type { User } from '../users/index.js';
import type { AuthContext, AuthenticatedRequest, ClientInfo } from './auth-context.js';
import type { SessionStrategyName } from './auth-options.js';

/** What a sign-in or refresh hands to the transport (cookies or a token response). */
export interface IssuedCredentials {
  sessionId: string;
  /** Session secret (database strategy) or signed access token (JWT strategy). */
  accessToken: string;
  accessExpiresInMs: number;
  /** JWT strategy only: the opaque refresh token (the session secret). */
  refreshToken?: string;
  refreshExpiresInMs?: number;
}

/**
 * The session strategy. Bound from the module options; guards and controllers depend on
 * this abstract class only, never on a concrete strategy.
 */
export abstract class SessionProvider {
  abstract readonly strategy: SessionStrategyName;

  /** Resolves the request's credentials to a live session, or null. */
  abstract authenticate(req: AuthenticatedRequest): Promise<AuthContext | null>;

  /** Starts a new session (a new row and a new secret) for a verified user. */
  abstract signIn(user: User, client: ClientInfo): Promise<IssuedCredentials>;

  /** JWT strategy: exchanges a refresh token for new credentials; the database strategy refuses. */
  abstract refresh(refreshToken: string, client: ClientInfo): Promise<IssuedCredentials & { user: User }>;
}
