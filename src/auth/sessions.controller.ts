import { Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe } from '@nestjs/common';
import { ApiBearerAuth, ApiCookieAuth, ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { DomainError } from '../common/domain-error.js';
import { ModuleRoutes } from '../common/module-routes.js';
import { SessionsService } from '../sessions/index.js';
import type { AuthContext } from './auth-context.js';
import { CurrentAuth } from './decorators.js';
import { SessionList, SessionView } from './dto/views.dto.js';

/** The signed-in user's own devices; mounted at `<prefix>/sessions`. */
@ApiTags('auth')
@ApiCookieAuth()
@ApiBearerAuth()
@ModuleRoutes()
@Controller()
export class SessionsController {
  constructor(private readonly sessions: SessionsService) {}

  @Get()
  @ApiOkResponse({ type: SessionList })
  async list(@CurrentAuth() auth: AuthContext): Promise<SessionList> {
    const rows = await this.sessions.listLive(auth.user.id);
    return { items: rows.map((row) => SessionView.of(row, auth.sessionId)) };
  }

  /** Another user's session id is indistinguishable from one that does not exist: 404. */
  @Delete(':id')
  @HttpCode(204)
  @ApiNoContentResponse()
  async revoke(@CurrentAuth() auth: AuthContext, @Param('id', new ParseUUIDPipe()) id: string): Promise<void> {
    if (!(await this.sessions.revoke(id, auth.user.id, 'revoked_by_user'))) {
      throw new DomainError('SESSION_NOT_FOUND', 'Session not found');
    }
  }
}
