import { Catch, HttpException, HttpStatus, Logger, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { Request, Response } from 'express';
import { isDatabaseUnavailable } from './database-unavailable.js';
import { DomainError, REASON_PHRASES } from './domain-error.js';
import type { FieldError } from './validation.js';

/** The one JSON shape of every error response. */
export interface ErrorBody {
  statusCode: number;
  error: string;
  code: string;
  message: string;
  details?: FieldError[];
}

const DEFAULT_CODES: Record<number, string> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHENTICATED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  409: 'CONFLICT',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  431: 'HEADERS_TOO_LARGE',
  429: 'TOO_MANY_REQUESTS',
  503: 'SERVICE_UNAVAILABLE',
};

/** RFC 6750: tell bearer clients how to authenticate, and why a presented token was refused. */
function challenge(body: { code: string }, req: Request): string {
  if (body.code === 'CLAIMS_CHANGED') {
    return 'Bearer realm="api", error="invalid_token", error_description="The user\'s roles or permissions changed; refresh the access token"';
  }
  return typeof req.headers.authorization === 'string' ? 'Bearer realm="api", error="invalid_token"' : 'Bearer realm="api"';
}

/** The headers an error response carries: the bearer challenge on 401, no-store, Retry-After. */
export function setErrorHeaders(res: Response, req: Request, error: { statusCode: number; code: string } | DomainError): void {
  const body = error instanceof DomainError ? { statusCode: error.getStatus(), code: error.code } : error;
  if (body.statusCode === 401) res.setHeader('WWW-Authenticate', (error instanceof DomainError && error.wwwAuthenticate) || challenge(body, req));
  res.setHeader('Cache-Control', 'no-store');
  if (error instanceof DomainError && error.retryAfterSeconds !== undefined) res.setHeader('Retry-After', String(error.retryAfterSeconds));
}

/** Maps every error to `ErrorBody`; never leaks a stack trace or driver message to the client. */
@Catch()
export class HttpErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('HttpError');

  catch(exception: unknown, host: ArgumentsHost): void {
    const ctx = host.switchToHttp();
    const res = ctx.getResponse<Response>();
    const req = ctx.getRequest<Request>();
    const body = this.toBody(exception, req);
    if (res.headersSent) return;
    setErrorHeaders(res, req, exception instanceof DomainError ? exception : body);
    res.status(body.statusCode).json(body);
  }

  toBody(exception: unknown, req: Request): ErrorBody {
    // A DomainError already carries the body (so it reads the same without this filter).
    if (exception instanceof DomainError) return exception.getResponse() as ErrorBody;
    // Nest wraps body-parser errors in an HttpException; the original says what went wrong.
    const parserError = this.fromBodyParser((exception as { cause?: unknown })?.cause ?? exception);
    if (parserError) return parserError;
    if (exception instanceof HttpException) return this.fromHttpException(exception);
    if (isDatabaseUnavailable(exception)) {
      this.logger.warn({ event: 'database.unavailable', path: req.path, error: (exception as Error).message });
      return this.body(503, 'DATABASE_UNAVAILABLE', 'The database is unavailable; try again shortly');
    }
    this.logger.error({ event: 'unhandled_error', path: req.path, method: req.method }, (exception as Error)?.stack);
    return this.body(500, 'INTERNAL_ERROR', 'Internal server error');
  }

  private fromHttpException(exception: HttpException): ErrorBody {
    const status = exception.getStatus();
    const response = exception.getResponse();
    if (typeof response === 'object' && response !== null) {
      const r = response as { code?: string; message?: string | string[]; details?: FieldError[] };
      const message = Array.isArray(r.message) ? r.message.join('; ') : (r.message ?? exception.message);
      return { ...this.body(status, r.code ?? DEFAULT_CODES[status] ?? `HTTP_${status}`, message), ...(r.details ? { details: r.details } : {}) };
    }
    return this.body(status, DEFAULT_CODES[status] ?? `HTTP_${status}`, String(response));
  }

  /** Errors raised by Express's body parser before any route runs. */
  private fromBodyParser(exception: unknown): ErrorBody | undefined {
    const e = exception as { type?: string; status?: number; expose?: boolean };
    if (e?.type === 'entity.parse.failed') return this.body(400, 'MALFORMED_JSON', 'The request body is not valid JSON');
    if (e?.type === 'entity.too.large') return this.body(413, 'PAYLOAD_TOO_LARGE', 'The request body is too large');
    if (e?.type === 'entity.verify.failed' || e?.type === 'encoding.unsupported' || e?.type === 'charset.unsupported') {
      return this.body(415, 'UNSUPPORTED_MEDIA_TYPE', 'The request body encoding is not supported');
    }
    if (e?.expose && typeof e.status === 'number' && e.status >= 400 && e.status < 500) {
      return this.body(e.status, DEFAULT_CODES[e.status] ?? `HTTP_${e.status}`, REASON_PHRASES[e.status] ?? 'Bad request');
    }
    return undefined;
  }

  private body(statusCode: number, code: string, message: string): ErrorBody {
    return { statusCode, error: REASON_PHRASES[statusCode] ?? HttpStatus[statusCode] ?? 'Error', code, message };
  }
}
