/** The claims of our access tokens (RFC 9068 profile plus what authorization needs). */
export interface AccessClaims {
  iss: string;
  aud: string;
  sub: string;
  /** The session row this token belongs to. */
  sid: string;
  jti: string;
  iat: number;
  exp: number;
  email: string;
  name: string | null;
  roles: readonly string[];
  /** Derived from the roles when the token was issued. */
  perms: readonly string[];
  /** The user's version when the claims were encoded; older than the registry's means stale. */
  ver: number;
  /** RFC 8176 methods the session was authenticated with (`pwd`, `otp`, `recovery`). */
  amr: readonly string[];
  /** When the user last authenticated on this session (seconds; OpenID Connect `auth_time`). */
  auth_time: number;
}

export type AccessSubject = Pick<AccessClaims, 'sub' | 'sid' | 'email' | 'name' | 'roles' | 'perms' | 'ver' | 'amr' | 'auth_time'>;

export function isAccessClaims(value: unknown): value is AccessClaims {
  const c = value as Partial<AccessClaims> | null;
  return (
    typeof c === 'object' &&
    c !== null &&
    typeof c.sub === 'string' &&
    typeof c.sid === 'string' &&
    typeof c.email === 'string' &&
    typeof c.ver === 'number' &&
    typeof c.exp === 'number' &&
    Array.isArray(c.roles) &&
    c.roles.every((role) => typeof role === 'string') &&
    Array.isArray(c.perms) &&
    c.perms.every((perm) => typeof perm === 'string') &&
    Array.isArray(c.amr) &&
    c.amr.every((method) => typeof method === 'string') &&
    typeof c.auth_time === 'number'
  );
}
