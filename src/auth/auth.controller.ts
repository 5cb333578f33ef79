import { Body, Controller, Get, HttpCode, Post, Req, Res, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiCookieAuth, ApiNoContentResponse, ApiOkResponse, ApiCreatedResponse, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { DomainError } from '../common/domain-error.js';
import { SessionsService } from '../sessions/index.js';
import { UsersService, type User } from '../users/index.js';
import { clientInfo, type AuthContext } from './auth-context.js';
import { AuthCookies } from './auth-cookies.js';
import { AuthService } from './auth.service.js';
import { CurrentAuth, Public } from './decorators.js';
import { ChangePasswordDto, LoginDto, RegisterDto, TokenRequestDto } from './dto/credentials.dto.js';
import { MeView, TokenResponse, UserEnvelope, UserView } from './dto/views.dto.js';
import { LocalAuthGuard } from './local-auth.guard.js';

@ApiTags('auth')
@Controller('auth')
export class AuthController {
  constructor(
    private readonly auth: AuthService,
    private readonly users: UsersService,
    private readonly sessions: SessionsService,
    private readonly cookies: AuthCookies,
  ) {}

  @Public()
  @Post('register')
  @ApiCreatedResponse({ type: UserEnvelope })
  async register(@Body() body: RegisterDto): Promise<UserEnvelope> {
    return { user: UserView.of(await this.auth.register(body)) };
  }

  /** Browser sign-in: a new session in an HttpOnly cookie; the body never carries the secret. */
  @Public()
  @UseGuards(LocalAuthGuard)
  @Post('login')
  @HttpCode(200)
  @ApiBody({ type: LoginDto })
  @ApiOkResponse({ type: UserEnvelope })
  async login(@Req() req: Request, @Res({ passthrough: true }) res: Response): Promise<UserEnvelope> {
    const user = req.user as unknown as User;
    this.cookies.set(res, await this.auth.signIn(user, clientInfo(req)));
    return { user: UserView.of(user) };
  }

  /** Token endpoint for non-browser clients (OAuth 2.0 shape). */
  @Public()
  @Post('token')
  @HttpCode(200)
  @ApiOkResponse({ type: TokenResponse })
  async token(@Body() body: TokenRequestDto, @Req() req: Request): Promise<TokenResponse> {
    const client = clientInfo(req);
    const issued =
      body.grant_type === 'refresh_token'
        ? await this.auth.refresh(body.refresh_token!, client)
        : await this.auth.signIn(await this.auth.verifyCredentials(body.email!, body.password!, client), client);
    return {
      access_token: issued.accessToken,
      token_type: 'Bearer',
      expires_in: Math.floor(issued.accessExpiresInMs / 1000),
      ...(issued.refreshToken ? { refresh_token: issued.refreshToken } : {}),
    };
  }

  /** JWT strategy: rotates the refresh cookie and sets a new access cookie. */
  @Public()
  @Post('refresh')
  @HttpCode(200)
  @ApiOkResponse({ type: UserEnvelope })
  async refresh(@Req() req: Request, @Res({ passthrough: true }) res: Response): Promise<UserEnvelope> {
    const token = this.cookies.refreshToken(req);
    if (!token) throw new DomainError('INVALID_GRANT', 'No refresh token was sent');
    const issued = await this.auth.refresh(token, clientInfo(req));
    this.cookies.set(res, issued);
    return { user: UserView.of(issued.user) };
  }

  @Post('logout')
  @HttpCode(204)
  @ApiCookieAuth()
  @ApiBearerAuth()
  @ApiNoContentResponse()
  async logout(@CurrentAuth() auth: AuthContext, @Res({ passthrough: true }) res: Response): Promise<void> {
    await this.sessions.revoke(auth.sessionId, auth.user.id, 'logout');
    this.cookies.clear(res);
  }

  @Post('logout-all')
  @HttpCode(204)
  @ApiCookieAuth()
  @ApiBearerAuth()
  @ApiNoContentResponse()
  async logoutAll(@CurrentAuth() auth: AuthContext, @Res({ passthrough: true }) res: Response): Promise<void> {
    await this.sessions.revokeAllForUser(auth.user.id, 'logout_all');
    this.cookies.clear(res);
  }

  /** Answers from what authentication already loaded: no query of its own. */
  @Get('me')
  @ApiCookieAuth()
  @ApiBearerAuth()
  @ApiOkResponse({ type: MeView })
  me(@CurrentAuth() auth: AuthContext): MeView {
    return { user: UserView.of(auth.user), sessionId: auth.sessionId, transport: auth.transport };
  }

  /** Needs the current password; every other session of the user ends. */
  @Post('password')
  @HttpCode(204)
  @ApiCookieAuth()
  @ApiBearerAuth()
  @ApiNoContentResponse()
  async changePassword(@CurrentAuth() auth: AuthContext, @Body() body: ChangePasswordDto): Promise<void> {
    await this.users.changePassword(auth.user.id, body.currentPassword, body.newPassword, auth.sessionId);
  }
}
