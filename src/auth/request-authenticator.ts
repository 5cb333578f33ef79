import { Injectable, Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { AuthContext } from './auth-context.js';
import { AuthCookies } from './auth-cookies.js';
import { isPromise, type MaybePromise } from '../common/maybe-promise.js';
import { SessionProvider, type AuthResult, type PresentedCredential } from './session-provider.js';

/** The transport half of authentication: find the credential, ask the provider, write back any reissued cookie. */
@Injectable()
export class RequestAuthenticator {
  private readonly logger = new Logger('Auth');
  /** Contexts this authenticator produced: only these count as proof when found on `req.user`. */
  private readonly produced = new WeakSet<AuthContext>();

  constructor(
    private readonly provider: SessionProvider,
    private readonly cookies: AuthCookies,
  ) {}

  authenticate(req: Request, res?: Response): MaybePromise<AuthContext | null> {
    const credential = this.cookies.extract(req);
    return credential ? this.authenticateCredential(credential, res) : null;
  }

  /** Synchronous when the provider is (a verified token, a cached session). */
  authenticateCredential(credential: PresentedCredential, res?: Response): MaybePromise<AuthContext | null> {
    const result = this.provider.authenticate(credential);
    if (!isPromise(result)) return this.accept(credential, result, res);
    // A host's provider may answer with any thenable: make it a native promise (the same object when it already is one).
    return Promise.resolve(result).then((settled) => this.accept(credential, settled, res));
  }

  private accept(credential: PresentedCredential, result: AuthResult | null, res?: Response): AuthContext | null {
    if (!result) return null;
    if (!isAuthContext(result.context)) {
      // A provider bug must not authorize anything: fail closed, loudly.
      this.logger.error({ event: 'auth.malformed_context', provider: this.provider.name });
      throw new Error(`SessionProvider "${this.provider.name}" returned a malformed authentication context`);
    }
    if (result.context.user.status !== 'active') return null;
    // Only a browser's cookie is replaced in place; a bearer client never gets an ambient cookie.
    if (result.reissue && res && credential.transport === 'cookie') this.cookies.set(res, result.reissue);
    this.produced.add(result.context);
    return result.context;
  }

  /**
   * Whether `value` is a context this authenticator produced (by the guard, or a passport strategy
   * earlier in the same request). Whatever else a host or a library put on `req.user` proves nothing.
   */
  vouchesFor(value: unknown): value is AuthContext {
    return typeof value === 'object' && value !== null && this.produced.has(value as AuthContext);
  }
}

function isStrings(value: unknown): boolean {
  if (!Array.isArray(value)) return false;
  // A loop, not every(): this runs on every authenticated request.
  for (const item of value) if (typeof item !== 'string') return false;
  return true;
}

function isAuthContext(context: unknown): context is AuthContext {
  const c = context as Partial<AuthContext> | null;
  const user = c?.user;
  return (
    typeof c?.sessionId === 'string' &&
    (c.transport === 'cookie' || c.transport === 'bearer') &&
    typeof user?.id === 'string' &&
    isStrings(user.roles) &&
    isStrings(user.permissions) &&
    (user.status === 'active' || user.status === 'suspended')
  );
}
