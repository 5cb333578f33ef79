import { Inject, Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { DomainError } from '../common/domain-error.js';
import type { AuthModuleOptions } from './auth-options.js';
import { AUTH_MODULE_OPTIONS } from './auth.module-definition.js';
import { AuthCookies } from './auth-cookies.js';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
const JSON_TYPE = /^application\/(?:[\w.+-]+\+)?json(?:\s*;|$)/i;

/**
 * Cross-site request forgery defence for cookie-authenticated requests (and sign-in itself):
 * Fetch Metadata, an Origin allow-list, and JSON-only bodies, which a cross-site page cannot send
 * without a CORS preflight. A request with an Authorization header and none of our cookies is a
 * bearer client's and skips the origin checks; one that carries our cookies is checked whatever
 * other headers it has, since a cross-site page can add a header but cannot keep the browser from
 * attaching the cookies (refresh and logout act on the refresh cookie).
 */
@Injectable()
export class CsrfProtection {
  private readonly trusted: Set<string>;

  constructor(
    @Inject(AUTH_MODULE_OPTIONS) options: AuthModuleOptions,
    private readonly cookies: AuthCookies,
  ) {
    this.trusted = new Set(options.trustedOrigins);
  }

  /** `jsonOnly`: the module's own routes take JSON alone; a host's routes may take forms or uploads, and keep the origin checks. */
  assert(req: Request, jsonOnly = true): void {
    if (SAFE_METHODS.has(req.method)) return;
    if (jsonOnly && hasBody(req) && !JSON_TYPE.test(req.headers['content-type'] ?? '')) {
      throw new DomainError('UNSUPPORTED_MEDIA_TYPE', 'Request bodies must be application/json');
    }
    if (req.headers.authorization !== undefined && !this.cookies.carriesCredentials(req)) return;
    if (req.headers['sec-fetch-site'] === 'cross-site') throw new DomainError('CSRF_REJECTED', 'Cross-site request refused');
    const origin = req.headers.origin;
    if (origin !== undefined && !this.trusted.has(origin) && origin !== ownOrigin(req)) {
      throw new DomainError('CSRF_REJECTED', 'Request origin is not allowed');
    }
  }
}

function hasBody(req: Request): boolean {
  const length = req.headers['content-length'];
  return (length !== undefined && length !== '0') || req.headers['transfer-encoding'] !== undefined;
}

/** The origin the browser addressed; `Origin: null` never equals it. */
function ownOrigin(req: Request): string {
  return `${req.protocol}://${req.headers.host ?? ''}`;
}
