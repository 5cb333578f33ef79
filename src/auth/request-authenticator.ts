import { Injectable } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { AuthContext } from './auth-context.js';
import { AuthCookies } from './auth-cookies.js';
import { SessionProvider, type PresentedCredential } from './session-provider.js';

/** The transport half of authentication: find the credential, ask the provider, write back any reissued cookie. */
@Injectable()
export class RequestAuthenticator {
  constructor(
    private readonly provider: SessionProvider,
    private readonly cookies: AuthCookies,
  ) {}

  authenticate(req: Request, res?: Response): Promise<AuthContext | null> {
    const credential = this.cookies.extract(req);
    return credential ? this.authenticateCredential(credential, res) : Promise.resolve(null);
  }

  async authenticateCredential(credential: PresentedCredential, res?: Response): Promise<AuthContext | null> {
    const result = await this.provider.authenticate(credential);
    if (!result) return null;
    if (result.reissue && res) this.cookies.set(res, result.reissue);
    return result.context;
  }
}
