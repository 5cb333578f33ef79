import { Inject, Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { DomainError } from '../common/domain-error.js';
import type { AuthModuleOptions } from './auth-options.js';
import { AUTH_MODULE_OPTIONS } from './auth.module-definition.js';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
const JSON_TYPE = /^application\/(?:[\w.+-]+\+)?json(?:\s*;|$)/i;

/**
 * Cross-site request forgery defence for cookie-authenticated requests (and sign-in itself):
 * Fetch Metadata, an Origin allow-list, and JSON-only bodies, which a cross-site page cannot send
 * without a CORS preflight. Requests carrying an Authorization header are not cookie-authenticated
 * and skip the origin checks.
 */
@Injectable()
export class CsrfProtection {
  private readonly trusted: Set<string>;

  constructor(@Inject(AUTH_MODULE_OPTIONS) options: AuthModuleOptions) {
    this.trusted = new Set(options.trustedOrigins);
  }

  /** `jsonOnly`: the module's own routes take JSON alone; a host's routes may take forms or uploads, and keep the origin checks. */
  assert(req: Request, jsonOnly = true): void {
    if (SAFE_METHODS.has(req.method)) return;
    if (jsonOnly && hasBody(req) && !JSON_TYPE.test(req.headers['content-type'] ?? '')) {
      throw new DomainError('UNSUPPORTED_MEDIA_TYPE', 'Request bodies must be application/json');
    }
    if (req.headers.authorization !== undefined) return;
    this.assertOrigin(req);
  }

  /**
   * The origin checks alone, whatever headers came along: for handlers that act on a cookie even
   * when an Authorization header is present (refresh and logout use the refresh cookie), where
   * any header a cross-site page can add must not waive the check.
   */
  assertOrigin(req: Request): void {
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
