import { Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Patch, Post, SetMetadata } from '@nestjs/common';
import { ApiBearerAuth, ApiCookieAuth, ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { AuthContext } from '../auth/auth-context.js';
import { ADMIN_ROUTES, CurrentAuth, Permissions } from '../auth/decorators.js';
import { SecondFactorService } from '../auth/second-factor.service.js';
import { RolePermissions } from '../auth/role-permissions.js';
import { DomainError } from '../common/domain-error.js';
import { UserView } from '../auth/dto/views.dto.js';
import { ModuleRoutes, ValidBody, ValidQuery } from '../common/module-routes.js';
import { SessionsService } from '../sessions/index.js';
import { UsersService } from '../users/index.js';
import { AdminSetPasswordDto, ListUsersQuery, RevokedCount, SetRolesDto, UserPage } from './dto/admin.dto.js';

/**
 * User administration, by permission (`users:read`, `users:write`, `sessions:revoke`; the default
 * map grants all three to `admin`). Changes reach the user's sessions on their next request.
 * Mounted by `AuthModule` at `adminRoutePrefix` (`/users` by default).
 */
@ApiTags('users')
@ApiCookieAuth()
@ApiBearerAuth()
@ModuleRoutes()
@SetMetadata(ADMIN_ROUTES, true)
@Controller()
export class AdminUsersController {
  constructor(
    private readonly users: UsersService,
    private readonly sessions: SessionsService,
    private readonly permissions: RolePermissions,
    private readonly secondFactor: SecondFactorService,
  ) {}

  @Get()
  @Permissions('users:read')
  @ApiOkResponse({ type: UserPage })
  async list(@ValidQuery() query: ListUsersQuery): Promise<UserPage> {
    const { items, total } = await this.users.list(query.limit, query.offset);
    return { items: items.map((user) => UserView.of(user)), total, limit: query.limit, offset: query.offset };
  }

  @Get(':id')
  @Permissions('users:read')
  @ApiOkResponse({ type: UserView })
  async get(@Param('id', new ParseUUIDPipe()) id: string): Promise<UserView> {
    return UserView.of(await this.users.getById(id));
  }

  @Patch(':id/roles')
  @Permissions('users:write')
  @ApiOkResponse({ type: UserView })
  async setRoles(@CurrentAuth() auth: AuthContext, @Param('id', new ParseUUIDPipe()) id: string, @ValidBody() body: SetRolesDto): Promise<UserView> {
    // No one changes their own roles; others' only within the permissions the caller holds itself.
    // Compared as stored: the path's UUID may differ in case, and MySQL collations fold it.
    const target = await this.users.getById(id);
    if (target.id === auth.user.id) throw new DomainError('FORBIDDEN', 'You cannot change your own roles');
    const current = target.roles;
    const changed = [...body.roles.filter((role) => !current.includes(role)), ...current.filter((role) => !body.roles.includes(role))];
    const beyond = changed.filter((role) => !this.permissions.canDelegate(role, auth.user.permissions));
    if (beyond.length > 0) throw new DomainError('FORBIDDEN', `You cannot grant or remove roles with permissions you do not hold: ${beyond.join(', ')}`);
    return UserView.of(await this.users.setRoles(target.id, body.roles));
  }

  @Post(':id/suspend')
  @Permissions('users:write')
  @HttpCode(200)
  @ApiOkResponse({ type: UserView })
  async suspend(@Param('id', new ParseUUIDPipe()) id: string): Promise<UserView> {
    return UserView.of(await this.users.suspend(id));
  }

  @Post(':id/unsuspend')
  @Permissions('users:write')
  @HttpCode(200)
  @ApiOkResponse({ type: UserView })
  async unsuspend(@Param('id', new ParseUUIDPipe()) id: string): Promise<UserView> {
    return UserView.of(await this.users.unsuspend(id));
  }

  /** Admin reset: every session of the user ends. */
  @Post(':id/password')
  @Permissions('users:write')
  @HttpCode(204)
  @ApiNoContentResponse()
  async setPassword(@Param('id', new ParseUUIDPipe()) id: string, @ValidBody() body: AdminSetPasswordDto): Promise<void> {
    await this.users.setPassword(id, body.password, null);
  }

  @Delete(':id/sessions')
  @Permissions('sessions:revoke')
  @ApiOkResponse({ type: RevokedCount })
  async endSessions(@Param('id', new ParseUUIDPipe()) id: string): Promise<RevokedCount> {
    await this.users.getById(id);
    return { revoked: (await this.sessions.revokeAllForUser(id, 'revoked_by_admin')).length };
  }

  /** A lost authenticator: the user's second factor goes and every session of theirs ends; they sign in with the password and may enrol again. */
  @Delete(':id/mfa')
  @Permissions('users:write')
  @HttpCode(204)
  @ApiNoContentResponse()
  async resetSecondFactor(@CurrentAuth() auth: AuthContext, @Param('id', new ParseUUIDPipe()) id: string): Promise<void> {
    const target = await this.users.getById(id);
    // One's own factor goes through DELETE /auth/mfa/totp (password, code, the role policy); compared as stored (case).
    if (target.id === auth.user.id) throw new DomainError('FORBIDDEN', 'Turn off your own second factor with DELETE /auth/mfa/totp');
    // As with roles: only over users whose permissions the caller holds itself (no stripping a stronger admin).
    const beyond = target.roles.filter((role) => !this.permissions.canDelegate(role, auth.user.permissions));
    if (beyond.length > 0) throw new DomainError('FORBIDDEN', `You cannot reset the second factor of a user with roles beyond your permissions: ${beyond.join(', ')}`);
    await this.secondFactor.reset(target.id);
  }
}
