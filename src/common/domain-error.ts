import { HttpException } from '@nestjs/common';

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
  /** The sign-in needs a second factor (token endpoint), or the route needs a session that used one. */
  MFA_REQUIRED: 403,
  /** The user's role requires a second factor they have not enrolled yet: only enrolment is open to them. */
  MFA_ENROLLMENT_REQUIRED: 403,
  MFA_REQUIRED_BY_POLICY: 403,
  MFA_ALREADY_ENABLED: 409,
  MFA_NOT_ENABLED: 409,
  MFA_NOT_PENDING: 409,
  /** A wrong or replayed code; 401 where it completes a sign-in, 400 (with the field) for a signed-in user. */
  INVALID_MFA_CODE: 400,
  INVALID_MFA_TOKEN: 401,
  /** RFC 9470: the session's authentication is older than the route allows. */
  REAUTHENTICATION_REQUIRED: 401,
  MFA_UNAVAILABLE: 503,
  FORBIDDEN: 403,
  CSRF_REJECTED: 403,
  UNSUPPORTED_MEDIA_TYPE: 415,
  TOO_MANY_ATTEMPTS: 429,
  REGISTRATION_CLOSED: 403,
  USER_NOT_FOUND: 404,
  SESSION_NOT_FOUND: 404,
  NOT_FOUND: 404,
  EMAIL_TAKEN: 409,
  INVALID_EMAIL: 400,
  WEAK_PASSWORD: 400,
  DATABASE_UNAVAILABLE: 503,
} as const;

export type DomainErrorCode = keyof typeof DOMAIN_ERROR_STATUS;

/** The reason phrase of each status the module answers with. */
export const REASON_PHRASES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  429: 'Too Many Requests',
  431: 'Request Header Fields Too Large',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

/**
 * An HTTP exception whose response is already the module's error body, so even a host without
 * our filter answers `{ statusCode, error, code, message }` with the right status.
 */
export class DomainError extends HttpException {
  /** A challenge of its own for 401s (RFC 9470 step-up), instead of the plain bearer challenge. */
  wwwAuthenticate?: string;

  constructor(
    readonly code: DomainErrorCode,
    message: string,
    /** For 429 and 503: when to try again, in seconds (sent as Retry-After). */
    readonly retryAfterSeconds?: number,
    /** For 400s: the fields at fault, in the validation pipe's shape. */
    readonly details?: Array<{ field: string; errors: string[] }>,
    /** Overrides the code's usual status where one code has two meanings (`INVALID_MFA_CODE`). */
    status: number = DOMAIN_ERROR_STATUS[code],
  ) {
    super({ statusCode: status, error: REASON_PHRASES[status], code, message, ...(details ? { details } : {}) }, status);
    this.name = 'DomainError';
  }

  /** A 400 about one field, shaped like a validation failure. */
  static field(code: DomainErrorCode, field: string, error: string): DomainError {
    return new DomainError(code, `Invalid request: ${field}`, undefined, [{ field, errors: [error] }]);
  }
}
