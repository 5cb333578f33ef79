import { Controller, Get, Header, UseFilters } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { DomainError } from '../common/domain-error.js';
import { HttpErrorFilter } from '../common/http-error.filter.js';
import { Public } from './decorators.js';
import { SessionProvider } from './session-provider.js';

/** The public keys, so other services verify access tokens with no secret; only providers that publish keys have them. */
@ApiTags('auth')
@Public()
@UseFilters(HttpErrorFilter)
@Controller('.well-known')
export class JwksController {
  constructor(private readonly provider: SessionProvider) {}

  @Get('jwks.json')
  @Header('Cache-Control', 'public, max-age=300')
  @ApiOkResponse({ description: 'JSON Web Key Set (JWT strategy only)' })
  jwks() {
    if (!this.provider.jwks) throw new DomainError('NOT_FOUND', 'The JWKS exists only with the JWT strategy');
    return this.provider.jwks();
  }
}
