import { Inject, Injectable } from '@nestjs/common';
import type { CookieOptions, Request, Response } from 'express';
import type { AuthModuleOptions } from './auth-options.js';
import { AUTH_MODULE_OPTIONS } from './auth.module-definition.js';
import type { Transport } from './auth-context.js';
import type { IssuedCredentials } from './session-provider.js';

/** RFC 6750 b64token; the scheme name is case-insensitive. */
const B64TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/;

/**
 * Carries credentials in and out: HttpOnly cookies for browsers, the Authorization header for
 * API clients. The response body never carries a browser's secret.
 * Database strategy: one cookie, the session secret. JWT strategy: the access token, plus the
 * refresh token in a cookie sent only to `/auth`.
 */
@Injectable()
export class AuthCookies {
  readonly accessName: string;
  readonly refreshName: string;
  /** The refresh cookie reaches only the routes that use it. */
  static readonly REFRESH_PATH = '/auth';

  constructor(@Inject(AUTH_MODULE_OPTIONS) private readonly options: AuthModuleOptions) {
    const secure = options.cookieSecure;
    // `__Host-` pins a cookie to this origin over HTTPS with Path=/; the narrowed refresh cookie can only be `__Secure-`.
    this.accessName = `${secure ? '__Host-' : ''}${options.strategy === 'jwt' ? 'at' : 'sid'}`;
    this.refreshName = `${secure ? '__Secure-' : ''}rt`;
  }

  /** The credential on the request: a bearer header wins over a cookie. An unparsable header is an empty token. */
  extract(req: Request): { token: string; transport: Transport } | null {
    const header = req.headers.authorization;
    if (header !== undefined) {
      const token = header.length > 7 && header.slice(0, 7).toLowerCase() === 'bearer ' ? header.slice(7) : '';
      return { token: B64TOKEN.test(token) ? token : '', transport: 'bearer' };
    }
    const cookie = (req.cookies as Record<string, unknown> | undefined)?.[this.accessName];
    return typeof cookie === 'string' && cookie !== '' ? { token: cookie, transport: 'cookie' } : null;
  }

  refreshToken(req: Request): string | undefined {
    const cookie = (req.cookies as Record<string, unknown> | undefined)?.[this.refreshName];
    return typeof cookie === 'string' && cookie !== '' ? cookie : undefined;
  }

  set(res: Response, credentials: IssuedCredentials): void {
    res.cookie(this.accessName, credentials.accessToken, { ...this.base('/'), maxAge: credentials.accessExpiresInMs });
    if (credentials.refreshToken) {
      res.cookie(this.refreshName, credentials.refreshToken, { ...this.base(AuthCookies.REFRESH_PATH), maxAge: credentials.refreshExpiresInMs });
    }
  }

  clear(res: Response): void {
    // Also asks the browser to drop every cookie of this origin (Clear-Site-Data).
    res.setHeader('Clear-Site-Data', '"cookies"');
    res.clearCookie(this.accessName, this.base('/'));
    if (this.options.strategy === 'jwt') res.clearCookie(this.refreshName, this.base(AuthCookies.REFRESH_PATH));
  }

  private base(path: string): CookieOptions {
    return { httpOnly: true, sameSite: 'lax', secure: this.options.cookieSecure, path };
  }
}
