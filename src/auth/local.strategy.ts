import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import type { Request } from 'express';
import { Strategy } from 'passport-local';
import type { User } from '../users/index.js';
import { clientInfo } from './auth-context.js';
import { AuthCookies } from './auth-cookies.js';
import { AuthService } from './auth.service.js';

/** passport-local: email and password from the JSON body. */
@Injectable()
export class LocalStrategy extends PassportStrategy(Strategy, 'local') {
  constructor(
    private readonly auth: AuthService,
    private readonly cookies: AuthCookies,
  ) {
    super({ usernameField: 'email', passwordField: 'password', passReqToCallback: true, session: false });
  }

  validate(req: Request, email: string, password: string): Promise<User> {
    return this.auth.verifyCredentials(email, password, { ...clientInfo(req), deviceToken: this.cookies.deviceToken(req) });
  }
}
