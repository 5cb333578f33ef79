import { Inject, Injectable } from '@nestjs/common';
import { parse as parseCookies } from 'cookie';
import type { CookieOptions, Request, Response } from 'express';
import type { AuthModuleOptions } from './auth-options.js';
import { AUTH_MODULE_OPTIONS, AUTH_ROUTE_PREFIX } from './auth.module-definition.js';
import { SessionProvider, type IssuedCredentials, type PresentedCredential } from './session-provider.js';

/** RFC 6750 b64token; the scheme name is case-insensitive. */
const B64TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/;

/**
 * Carries credentials in and out: HttpOnly cookies for browsers, the Authorization header for
 * API clients. The response body never carries a browser's secret. The access cookie is named by
 * the provider; a refreshable provider's refresh token travels in a second cookie sent only to
 * the module's routes. Parses the Cookie header itself, so the host needs no cookie middleware.
 */
@Injectable()
export class AuthCookies {
  readonly accessName: string;
  readonly refreshName: string;
  /** Marks a browser that signed in before (see KnownDevices); outlives sign-out. */
  readonly deviceName: string;
  /** The refresh cookie reaches only the routes that use it. */
  readonly refreshPath: string;

  constructor(
    @Inject(AUTH_MODULE_OPTIONS) private readonly options: AuthModuleOptions,
    @Inject(AUTH_ROUTE_PREFIX) routePrefix: string,
    private readonly provider: SessionProvider,
  ) {
    const secure = options.cookieSecure;
    // `__Host-` pins a cookie to this origin over HTTPS with Path=/; the narrowed refresh cookie can only be `__Secure-`.
    this.accessName = `${secure ? '__Host-' : ''}${provider.accessCookie}`;
    this.refreshName = `${secure ? '__Secure-' : ''}rt`;
    this.deviceName = `${secure ? '__Host-' : ''}did`;
    this.refreshPath = `/${routePrefix}`;
  }

  /** The credential on the request: a bearer header wins over a cookie. An unparsable header is an empty token. */
  extract(req: Request): PresentedCredential | null {
    const header = req.headers.authorization;
    if (header !== undefined) {
      const token = header.length > 7 && header.slice(0, 7).toLowerCase() === 'bearer ' ? header.slice(7) : '';
      return { token: B64TOKEN.test(token) ? token : '', transport: 'bearer' };
    }
    const cookie = cookiesOf(req)[this.accessName];
    return typeof cookie === 'string' && cookie !== '' ? { token: cookie, transport: 'cookie' } : null;
  }

  /** Whether the browser attached an access or refresh cookie of ours (what CSRF protects). */
  carriesCredentials(req: Request): boolean {
    const cookies = cookiesOf(req);
    return Boolean(cookies[this.accessName] || cookies[this.refreshName]);
  }

  refreshToken(req: Request): string | undefined {
    if (!this.provider.refresh) return undefined;
    const cookie = cookiesOf(req)[this.refreshName];
    return typeof cookie === 'string' && cookie !== '' ? cookie : undefined;
  }

  deviceToken(req: Request): string | undefined {
    const cookie = cookiesOf(req)[this.deviceName];
    return typeof cookie === 'string' && cookie !== '' ? cookie : undefined;
  }

  /** 400 days, the longest a browser keeps a cookie. */
  setDevice(res: Response, token: string): void {
    res.cookie(this.deviceName, token, { ...this.base('/'), maxAge: 400 * 24 * 3600 * 1000 });
  }

  set(res: Response, credentials: IssuedCredentials): void {
    res.cookie(this.accessName, credentials.accessToken, { ...this.base('/'), maxAge: credentials.accessExpiresInMs });
    if (credentials.refreshToken) {
      res.cookie(this.refreshName, credentials.refreshToken, { ...this.base(this.refreshPath), maxAge: credentials.refreshExpiresInMs });
    }
  }

  clear(res: Response): void {
    // Also asks the browser to drop every cookie of this site (Clear-Site-Data), unless the host keeps cookies of its own.
    if (this.options.clearSiteData !== false) res.setHeader('Clear-Site-Data', '"cookies"');
    res.clearCookie(this.accessName, this.base('/'));
    if (this.provider.refresh) res.clearCookie(this.refreshName, this.base(this.refreshPath));
  }

  private base(path: string): CookieOptions {
    return { httpOnly: true, sameSite: 'lax', secure: this.options.cookieSecure, path };
  }
}

/** Cookies parsed by a host's cookie-parser when present, else from the header (once per request). */
function cookiesOf(req: Request): Record<string, string | undefined> {
  const parsed = (req as { cookies?: Record<string, string | undefined> }).cookies;
  if (parsed) return parsed;
  const cookies = req.headers.cookie ? parseCookies(req.headers.cookie) : {};
  (req as { cookies?: Record<string, string | undefined> }).cookies = cookies;
  return cookies;
}
