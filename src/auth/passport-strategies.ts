import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import type { Request } from 'express';
import passport from 'passport';
import { ExtractJwt, Strategy as PassportJwtStrategy, type JwtFromRequestFunction } from 'passport-jwt';
import { AssurancePolicy } from './assurance-policy.js';
import type { AuthContext } from './auth-context.js';
import { AuthCookies } from './auth-cookies.js';
import { CsrfProtection } from './csrf-protection.js';
import { RequestAuthenticator } from './request-authenticator.js';
import { SessionProvider } from './session-provider.js';

type Done = (error: unknown, user?: unknown) => void;

/** A passport strategy whose whole job is a callback on the request (like passport-custom). */
class RequestStrategy extends passport.Strategy {
  constructor(private readonly verify: (req: Request, done: Done) => void) {
    super();
  }

  override authenticate(req: Request): void {
    this.verify(req, (error, user) => (error ? this.error(error as Error) : user ? this.success(user) : this.fail(401)));
  }
}

/**
 * Used without AccessGuard, a strategy also applies the policy of roles that require a second
 * factor (route-level step-up needs AccessGuard: see StepUpRoutesCheck).
 */
function enrolled(policy: AssurancePolicy, context: AuthContext | null): AuthContext | null {
  if (context) policy.assertEnrolled(context);
  return context;
}

/** `AuthGuard('session')`: whatever strategy is configured, through the bound `SessionProvider`. */
@Injectable()
export class SessionPassportStrategy extends PassportStrategy(RequestStrategy, 'session') {
  constructor(
    private readonly authenticator: RequestAuthenticator,
    private readonly csrf: CsrfProtection,
    private readonly policy: AssurancePolicy,
  ) {
    super();
  }

  async validate(req: Request): Promise<AuthContext | null> {
    // Used without AccessGuard, this strategy is the route's only CSRF defence for cookies.
    this.csrf.assert(req, false);
    return enrolled(this.policy, await this.authenticator.authenticate(req, req.res));
  }
}

/**
 * passport-jwt verifies through jsonwebtoken, which has no EdDSA and is several times slower, so
 * this subclass keeps passport-jwt's extraction and hands the token to our verifier.
 */
class ExtractingJwtStrategy extends PassportJwtStrategy {
  constructor(
    private readonly extract: JwtFromRequestFunction,
    private readonly verifyToken: (req: Request, token: string, done: Done) => void,
  ) {
    super({ jwtFromRequest: extract, secretOrKeyProvider: (_req, _token, done) => done(new Error('not used'), undefined) }, () => undefined);
  }

  override authenticate(req: Request): void {
    const token = this.extract(req);
    if (!token) return this.fail(401);
    this.verifyToken(req, token, (error, user) => (error ? this.error(error as Error) : user ? this.success(user) : this.fail(401)));
  }
}

/** `AuthGuard('jwt')`: passport-jwt extraction from the bearer header or the access cookie; only providers whose tokens are JWTs accept. */
@Injectable()
export class JwtPassportStrategy extends PassportStrategy(ExtractingJwtStrategy, 'jwt') {
  constructor(
    private readonly provider: SessionProvider,
    private readonly authenticator: RequestAuthenticator,
    private readonly csrf: CsrfProtection,
    private readonly policy: AssurancePolicy,
    cookies: AuthCookies,
  ) {
    super(ExtractJwt.fromExtractors([ExtractJwt.fromAuthHeaderAsBearerToken(), (req: Request) => cookies.extract(req)?.token ?? null]));
  }

  async validate(req: Request, token: string): Promise<AuthContext | null> {
    if (this.provider.tokenFormat !== 'jwt') return null;
    const transport = req.headers.authorization ? 'bearer' : 'cookie';
    this.csrf.assert(req, false);
    return enrolled(this.policy, await this.authenticator.authenticateCredential({ token, transport }, req.res));
  }
}
