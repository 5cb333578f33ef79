import { isIP } from 'node:net';
import type { Request } from 'express';

/**
 * What authentication proves about a request; guards and handlers read only this. Read-only: the
 * arrays may be shared with later requests (verified tokens and cached sessions are reused).
 */
export interface AuthUser {
  id: string;
  email: string;
  name: string | null;
  roles: readonly string[];
  permissions: readonly string[];
  status: 'active' | 'suspended';
}

export type Transport = 'cookie' | 'bearer';

export interface AuthContext {
  user: AuthUser;
  sessionId: string;
  transport: Transport;
  /** How the session was authenticated (RFC 8176: `pwd`, `otp`, `recovery`); absent counts as password only. */
  amr?: readonly string[];
  /** When the user last proved who they are on this session; absent is never fresh. */
  authTime?: Date;
}

/** Methods that count as a second factor in a session's `amr`. */
const SECOND_FACTOR_METHODS = new Set(['otp', 'recovery']);

export function hasSecondFactor(auth: Pick<AuthContext, 'amr'>): boolean {
  return auth.amr?.some((method) => SECOND_FACTOR_METHODS.has(method)) ?? false;
}

export type AuthenticatedRequest = Request & { user?: AuthContext };

/** Who is signing in from where, recorded on the session row. */
export interface ClientInfo {
  userAgent: string | null;
  ip: string | null;
  /** The known-device cookie, when the browser sent one (sign-in only). */
  deviceToken?: string;
}

export function clientInfo(req: Request): ClientInfo {
  const userAgent = req.headers['user-agent'];
  // Whatever the proxy settings produced, only a real address is recorded and counted.
  const ip = req.ip && isIP(req.ip) ? req.ip : null;
  return { userAgent: typeof userAgent === 'string' ? userAgent : null, ip };
}
