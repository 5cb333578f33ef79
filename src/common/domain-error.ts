/** Errors the domain raises, each with a stable code; one filter at the edge maps them to HTTP. */
export const DOMAIN_ERROR_STATUS = {
  INVALID_CREDENTIALS: 401,
  UNAUTHENTICATED: 401,
  /** RFC 6749 §5.2: the token endpoint answers a bad grant with 400 invalid_grant. */
  INVALID_GRANT: 400,
  INVALID_REFRESH_TOKEN: 401,
  CLAIMS_CHANGED: 401,
  UNSUPPORTED_GRANT: 400,
  CURRENT_PASSWORD_INVALID: 403,
  FORBIDDEN: 403,
  CSRF_REJECTED: 403,
  UNSUPPORTED_MEDIA_TYPE: 415,
  TOO_MANY_ATTEMPTS: 429,
  REGISTRATION_CLOSED: 403,
  USER_NOT_FOUND: 404,
  SESSION_NOT_FOUND: 404,
  NOT_FOUND: 404,
  EMAIL_TAKEN: 409,
  DATABASE_UNAVAILABLE: 503,
} as const;

export type DomainErrorCode = keyof typeof DOMAIN_ERROR_STATUS;

export class DomainError extends Error {
  constructor(
    readonly code: DomainErrorCode,
    message: string,
    /** For 429 and 503: when to try again, in seconds (sent as Retry-After). */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = 'DomainError';
  }

  get status(): number {
    return DOMAIN_ERROR_STATUS[this.code];
  }
}
