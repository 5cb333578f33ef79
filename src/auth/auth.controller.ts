import { Controller, Get, HttpCode, Post, Req, Res, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiCookieAuth, ApiExtraModels, ApiNoContentResponse, ApiOkResponse, ApiCreatedResponse, ApiTags, getSchemaPath } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { DomainError } from '../common/domain-error.js';
import { isoTime } from '../common/iso-time.js';
import { SessionsService } from '../sessions/index.js';
import type { User } from '../users/index.js';
import { ModuleRoutes, ValidBody } from '../common/module-routes.js';
import { clientInfo, type AuthContext, type AuthenticatedRequest, type ClientInfo } from './auth-context.js';
import { RequestAuthenticator } from './request-authenticator.js';
import { SessionProvider, type IssuedCredentials } from './session-provider.js';
import { SecondFactorService } from './second-factor.service.js';
import { AuthCookies } from './auth-cookies.js';
import { AuthService } from './auth.service.js';
import { AllowBeforeMfaEnrolment, CurrentAuth, Public } from './decorators.js';
import { ChangePasswordDto, LoginDto, ReauthenticateDto, RegisterDto, TokenRequestDto } from './dto/credentials.dto.js';
import { bearerToken, MeView, MfaChallengeView, ReauthenticationView, TokenResponse, UserEnvelope, UserView } from './dto/views.dto.js';
import { LocalAuthGuard } from './local-auth.guard.js';

const GRANT_FAILURES = new Set(['INVALID_CREDENTIALS', 'INVALID_GRANT', 'INVALID_MFA_TOKEN', 'INVALID_MFA_CODE']);

/** The token endpoint reports every failed grant as RFC 6749 `invalid_grant` (400). */
function asInvalidGrant(error: unknown): never {
  if (error instanceof DomainError && GRANT_FAILURES.has(error.code)) {
    throw new DomainError('INVALID_GRANT', error.code.startsWith('INVALID_MFA') ? 'The second factor or the mfa_token is not valid' : 'Invalid email or password');
  }
  throw error;
}

/** The password grant for an account with a second factor: 403 `mfa_required`, with the token the `mfa_otp` grant completes. */
function mfaRequired(mfaToken: string): DomainError {
  const error = new DomainError('MFA_REQUIRED', 'A second factor is required: send grant_type=mfa_otp with this mfa_token and the code');
  Object.assign(error.getResponse() as object, { error: 'mfa_required', mfa_token: mfaToken });
  return error;
}

/** Mounted by `AuthModule` under its route prefix (`/auth` by default). */
@ApiTags('auth')
@ModuleRoutes()
@Controller()
export class AuthController {
  constructor(
    private readonly auth: AuthService,
    private readonly sessions: SessionsService,
    private readonly cookies: AuthCookies,
    private readonly provider: SessionProvider,
    private readonly authenticator: RequestAuthenticator,
    private readonly secondFactor: SecondFactorService,
  ) {}

  @Public()
  @Post('register')
  @ApiCreatedResponse({ type: UserEnvelope })
  async register(@ValidBody() body: RegisterDto, @Req() req: Request): Promise<UserEnvelope> {
    return { user: UserView.of(await this.auth.register(body, clientInfo(req))) };
  }

  /**
   * Browser sign-in: a new session in an HttpOnly cookie; the body never carries the secret. With a
   * second factor on the account, no session yet: `{ mfaRequired, mfaToken }` for POST /mfa/verify.
   */
  @Public()
  @UseGuards(LocalAuthGuard)
  @Post('login')
  @HttpCode(200)
  @ApiBody({ type: LoginDto })
  @ApiExtraModels(MfaChallengeView)
  @ApiOkResponse({ schema: { oneOf: [{ $ref: getSchemaPath(UserEnvelope) }, { $ref: getSchemaPath(MfaChallengeView) }] } })
  async login(@Req() req: Request, @Res({ passthrough: true }) res: Response): Promise<UserEnvelope | MfaChallengeView> {
    const user = req.user as unknown as User;
    if (user.mfaEnabledAt) return { mfaRequired: true, mfaToken: await this.secondFactor.challenge(user) };
    this.cookies.set(res, await this.auth.signIn(user, clientInfo(req)));
    this.cookies.setDevice(res, this.auth.deviceTokenFor(user));
    return { user: UserView.of(user) };
  }

  /**
   * Token endpoint for non-browser clients (OAuth 2.0 shape). With a second factor on the account
   * the password grant answers 403 `mfa_required` with an `mfa_token`; the `mfa_otp` grant
   * (`mfa_token` and `otp`, or `recovery_code`) completes it.
   */
  @Public()
  @Post('token')
  @HttpCode(200)
  @ApiOkResponse({ type: TokenResponse })
  async token(@ValidBody() body: TokenRequestDto, @Req() req: Request): Promise<TokenResponse> {
    const client = clientInfo(req);
    const issued = body.grant_type === 'refresh_token' ? await this.auth.refresh(body.refresh_token!, client) : await this.grant(body, client).catch(asInvalidGrant);
    return { ...bearerToken(issued), ...(issued.refreshToken ? { refresh_token: issued.refreshToken } : {}) };
  }

  private async grant(body: TokenRequestDto, client: ClientInfo): Promise<IssuedCredentials> {
    if (body.grant_type === 'mfa_otp') {
      const { user, assurance } = await this.secondFactor.complete(body.mfa_token!, { code: body.otp, recoveryCode: body.recovery_code }, client);
      return this.auth.signIn(user, client, assurance);
    }
    const user = await this.auth.verifyCredentials(body.email!, body.password!, client);
    if (user.mfaEnabledAt) throw mfaRequired(await this.secondFactor.challenge(user));
    return this.auth.signIn(user, client);
  }

  /** Providers with refresh tokens (JWT): rotates the refresh cookie and sets a new access cookie. */
  @Public()
  @Post('refresh')
  @HttpCode(200)
  @ApiOkResponse({ type: UserEnvelope })
  async refresh(@Req() req: Request, @Res({ passthrough: true }) res: Response): Promise<UserEnvelope> {
    if (!this.provider.refresh) throw new DomainError('UNSUPPORTED_GRANT', 'This session strategy has no refresh token');
    const token = this.cookies.refreshToken(req);
    if (!token) throw new DomainError('INVALID_REFRESH_TOKEN', 'No refresh token was sent');
    // A browser's refresh failing means it is signed out: 401, not the token endpoint's 400.
    const issued = await this.auth.refresh(token, clientInfo(req)).catch((error: unknown) => {
      throw error instanceof DomainError && error.code === 'INVALID_GRANT' ? new DomainError('INVALID_REFRESH_TOKEN', error.message) : error;
    });
    this.cookies.set(res, issued);
    return { user: UserView.of(issued.user) };
  }

  /**
   * Public on purpose: with JWT sessions the access cookie may have expired while the refresh cookie
   * still lives, and signing out must still end the session. Always clears the cookies.
   */
  @Public()
  @Post('logout')
  @HttpCode(204)
  @ApiCookieAuth()
  @ApiBearerAuth()
  @ApiNoContentResponse()
  async logout(@Req() req: AuthenticatedRequest, @Res({ passthrough: true }) res: Response): Promise<void> {
    let auth: AuthContext | null;
    try {
      auth = await this.authenticator.authenticate(req);
    } catch {
      auth = null;
    }
    const refreshToken = this.cookies.refreshToken(req);
    const session = auth ? { id: auth.sessionId, userId: auth.user.id } : refreshToken ? await this.sessions.findBySecret(refreshToken) : null;
    if (session) await this.sessions.revoke(session.id, session.userId, 'logout');
    this.cookies.clear(res);
    if (!session && req.headers.authorization) throw new DomainError('UNAUTHENTICATED', 'Authentication required');
  }

  @Post('logout-all')
  @AllowBeforeMfaEnrolment()
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
  @AllowBeforeMfaEnrolment()
  @ApiCookieAuth()
  @ApiBearerAuth()
  @ApiOkResponse({ type: MeView })
  me(@CurrentAuth() auth: AuthContext): MeView {
    const view: MeView = { user: UserView.of(auth.user), sessionId: auth.sessionId, transport: auth.transport, amr: auth.amr ?? [] };
    const authTime = auth.authTime && isoTime(auth.authTime);
    if (authTime) view.authTime = authTime;
    return view;
  }

  /**
   * Step-up: the password (and the second factor, when enrolled) again, and this session's
   * `auth_time` is now. JWT: a cookie client gets a new access cookie, a bearer client a new token.
   */
  @Post('reauthenticate')
  @HttpCode(200)
  @ApiCookieAuth()
  @ApiBearerAuth()
  @ApiOkResponse({ type: ReauthenticationView })
  async reauthenticate(
    @CurrentAuth() auth: AuthContext,
    @ValidBody() body: ReauthenticateDto,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<ReauthenticationView> {
    const result = await this.secondFactor.reauthenticate(auth, body.password, { code: body.code, recoveryCode: body.recoveryCode }, clientInfo(req));
    const view: ReauthenticationView = { user: UserView.of(auth.user), amr: result.amr, authTime: result.authTime.toISOString() };
    if (result.reissue && auth.transport === 'cookie') this.cookies.set(res, result.reissue);
    if (result.reissue && auth.transport === 'bearer') Object.assign(view, bearerToken(result.reissue));
    return view;
  }

  /** Needs the current password; every other session of the user ends. */
  @Post('password')
  @HttpCode(204)
  @ApiCookieAuth()
  @ApiBearerAuth()
  @ApiNoContentResponse()
  async changePassword(@CurrentAuth() auth: AuthContext, @ValidBody() body: ChangePasswordDto, @Req() req: Request): Promise<void> {
    await this.auth.changePassword(auth, body.currentPassword, body.newPassword, clientInfo(req));
  }
}
