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
  ) {
    super(message);
    this.name = 'DomainError';
  }

  get status(): number {
    return DOMAIN_ERROR_STATUS[this.code];
  }
}
