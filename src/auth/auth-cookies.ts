import { Inject, Injectable } from '@nestjs/common';
import type { CookieOptions, Request, Response } from 'express';
import type { AuthModuleOptions } from './auth-options.js';
import { AUTH_MODULE_OPTIONS } from './auth.module-definition.js';
import type { Transport } from './auth-context.js';
import type { IssuedCredentials } from './session-provider.js';

const BEARER = /^Bearer ([A-Za-z0-9\-._~+/]+=*)$/;

/**
 * Carries credentials in and out: HttpOnly cookies for browsers, the Authorization header
 * for API clients. The response body never carries a browser's secret.
 */
@Injectable()
export class AuthCookies {
  /** `__Host-` binds the cookie to this origin over HTTPS (no Domain, Path=/). */
  readonly accessName: string;

  constructor(@Inject(AUTH_MODULE_OPTIONS) private readonly options: AuthModuleOptions) {
    this.accessName = options.cookieSecure ? '__Host-sid' : 'sid';
  }

  /** The credential on the request: a bearer header wins over a cookie. An unparsable header is an empty token. */
  extract(req: Request): { token: string; transport: Transport } | null {
    const header = req.headers.authorization;
    if (header !== undefined) {
      const match = BEARER.exec(header);
      return { token: match ? match[1] : '', transport: 'bearer' };
    }
    const cookie = (req.cookies as Record<string, unknown> | undefined)?.[this.accessName];
    return typeof cookie === 'string' && cookie !== '' ? { token: cookie, transport: 'cookie' } : null;
  }

  set(res: Response, credentials: IssuedCredentials): void {
    res.cookie(this.accessName, credentials.accessToken, { ...this.base(), maxAge: credentials.accessExpiresInMs });
  }

  clear(res: Response): void {
    res.clearCookie(this.accessName, this.base());
  }

  private base(): CookieOptions {
    return { httpOnly: true, sameSite: 'lax', secure: this.options.cookieSecure, path: '/' };
  }
}
