import type { JsonWebKey } from 'node:crypto';
import type { Assurance } from '../sessions/index.js';
import type { User } from '../users/index.js';
import type { AuthContext, ClientInfo, Transport } from './auth-context.js';

/** What a sign-in or refresh hands to the transport (cookies or a token response). */
export interface IssuedCredentials {
  sessionId: string;
  /** Session secret (database strategy) or signed access token (JWT strategy). */
  accessToken: string;
  accessExpiresInMs: number;
  /** Only from providers with `refreshable`: the opaque refresh token. */
  refreshToken?: string;
  refreshExpiresInMs?: number;
}

/** The credential the transport found on a request (bearer header or access cookie). */
export interface PresentedCredential {
  token: string;
  transport: Transport;
}

/** A successful authentication: the context, and a new access credential when the old one must be replaced. */
export interface AuthResult {
  context: AuthContext;
  /** Written by the transport (a cookie) before the handler runs; providers never touch the response. */
  reissue?: IssuedCredentials;
}

/**
 * The session strategy: the one seam between the transport (guards, controllers, cookies) and a
 * way of keeping sessions. Bound from the module options (`strategy`, or a host's own class in
 * `provider`); everything outside a provider asks it, and never names a concrete strategy.
 */
export abstract class SessionProvider {
  /** Names the strategy in logs. */
  abstract readonly name: string;
  /** Base name of the access-credential cookie (`__Host-` is prefixed for secure cookies). */
  abstract readonly accessCookie: string;
  /** `jwt`: access credentials are self-contained signed tokens (what `AuthGuard('jwt')` accepts). */
  readonly tokenFormat: 'opaque' | 'jwt' = 'opaque';

  /** Runs once before the application serves. */
  init?(): Promise<void>;
  /**
   * How far back invalidations still matter to what this provider holds in memory (JWT: one
   * access-token lifetime): at boot they are read back from the database that far, before serving.
   */
  get revocationWindowMs(): number {
    return 0;
  }
  /** Runs at shutdown. */
  close?(): void;

  /**
   * Resolves a presented credential to a live session, or null. Never reads or writes the HTTP
   * exchange. May answer without a promise when nothing is awaited (a verified token, a cached
   * session): the authenticated request then settles no promise of ours.
   */
  abstract authenticate(credential: PresentedCredential): AuthResult | null | Promise<AuthResult | null>;

  /** Starts a new session (a new row and a new secret) for a verified user, recording how they proved it. */
  abstract signIn(user: User, client: ClientInfo, assurance?: Assurance): Promise<IssuedCredentials>;

  /**
   * The session's row now records a stronger or newer authentication (re-authentication, a second
   * factor). Providers whose access credential carries it (JWT) return a new one for the transport.
   */
  reissueAccess?(sessionId: string): Promise<IssuedCredentials | null>;

  /** Present only on providers that issue refresh tokens: exchanges one for new credentials. */
  refresh?(refreshToken: string, client: ClientInfo): Promise<IssuedCredentials & { user: User }>;

  /** Present only on providers whose tokens others verify: the public JSON Web Key Set. */
  jwks?(): { keys: JsonWebKey[] };

  /** Invalidations, delivered on every instance: sessions that ended, so any cached state about them goes. */
  onSessionsRevoked?(sessionIds: string[], at: Date): void;
  /** Invalidations: these sessions' rows changed (their assurance): cached copies go. */
  onSessionsChanged?(sessionIds: string[]): void;
  /** Invalidations: this user's claims (roles, status, password) changed at `version`. */
  onClaimsChanged?(userId: string, version: number, at: Date): void;
}
