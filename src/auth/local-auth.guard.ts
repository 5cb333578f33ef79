import { Injectable, type ExecutionContext } from '@nestjs/common';
import { AuthGuard } from '@nestjs/passport';
import type { Request } from 'express';
import { DomainError } from '../common/domain-error.js';
import { createValidationPipe } from '../common/validation.js';
import { LoginDto } from './dto/credentials.dto.js';

/** Validates the body first (guards run before pipes), so bad input is a 400 naming the field, not a 401. */
@Injectable()
export class LocalAuthGuard extends AuthGuard('local') {
  private readonly pipe = createValidationPipe();

  override async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<Request>();
    req.body = await this.pipe.transform(req.body, { type: 'body', metatype: LoginDto });
    return (await super.canActivate(context)) as boolean;
  }

  /** Passes the strategy's own error (a DomainError) through unchanged. */
  override handleRequest<TUser>(error: unknown, user: TUser | false): TUser {
    if (error) throw error;
    // passport-local fails without an error only when a credential is missing, which validation already refuses.
    if (!user) throw new DomainError('INVALID_CREDENTIALS', 'Invalid email or password');
    return user;
  }
}
