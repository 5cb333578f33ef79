import { Controller, Get, Header, Inject } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { DomainError } from '../common/domain-error.js';
import { KeyRing } from '../tokens/index.js';
import { Public } from './decorators.js';

/** The public keys, so other services verify access tokens with no secret. */
@ApiTags('auth')
@Public()
@Controller('.well-known')
export class JwksController {
  constructor(@Inject(KeyRing) private readonly keys: KeyRing | null) {}

  @Get('jwks.json')
  @Header('Cache-Control', 'public, max-age=300')
  @ApiOkResponse({ description: 'JSON Web Key Set (JWT strategy only)' })
  jwks() {
    if (!this.keys) throw new DomainError('NOT_FOUND', 'The JWKS exists only with the JWT strategy');
    return this.keys.jwks();
  }
}
