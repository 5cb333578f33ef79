import { Controller, Delete, Get, HttpCode, Post, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiCookieAuth, ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { ModuleRoutes, ValidBody } from '../common/module-routes.js';
import { clientInfo, type AuthContext } from './auth-context.js';
import { AuthCookies } from './auth-cookies.js';
import { AuthService } from './auth.service.js';
import { AllowBeforeMfaEnrolment, CurrentAuth, Public } from './decorators.js';
import { DisableTotpDto, MfaVerifyDto, PasswordConfirmationDto, TotpCodeDto } from './dto/credentials.dto.js';
import { bearerToken, MfaStatusView, RecoveryCodesView, TotpEnrolmentView, UserEnvelope, UserView } from './dto/views.dto.js';
import { SecondFactorService } from './second-factor.service.js';

/** The second factor: enrolment, the second step of sign-in, recovery codes; mounted at `<prefix>/mfa`. */
@ApiTags('mfa')
@ModuleRoutes()
@Controller()
export class MfaController {
  constructor(
    private readonly secondFactor: SecondFactorService,
    private readonly auth: AuthService,
    private readonly cookies: AuthCookies,
  ) {}

  @Get()
  @AllowBeforeMfaEnrolment()
  @ApiCookieAuth()
  @ApiBearerAuth()
  @ApiOkResponse({ type: MfaStatusView })
  status(@CurrentAuth() auth: AuthContext): Promise<MfaStatusView> {
    return this.secondFactor.status(auth.user.id);
  }

  /** Step one of enrolment (the current password again): the secret to put in an authenticator app. */
  @Post('totp')
  @HttpCode(200)
  @AllowBeforeMfaEnrolment()
  @ApiCookieAuth()
  @ApiBearerAuth()
  @ApiOkResponse({ type: TotpEnrolmentView })
  enrol(@CurrentAuth() auth: AuthContext, @ValidBody() body: PasswordConfirmationDto, @Req() req: Request): Promise<TotpEnrolmentView> {
    return this.secondFactor.beginEnrolment(auth, body.password, clientInfo(req));
  }

  /** Step two: a code from the app turns the factor on; the recovery codes are shown this once. */
  @Post('totp/confirm')
  @HttpCode(200)
  @AllowBeforeMfaEnrolment()
  @ApiCookieAuth()
  @ApiBearerAuth()
  @ApiOkResponse({ type: RecoveryCodesView })
  async confirm(
    @CurrentAuth() auth: AuthContext,
    @ValidBody() body: TotpCodeDto,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<RecoveryCodesView> {
    const { recoveryCodes, reissue } = await this.secondFactor.confirmEnrolment(auth, body.code, clientInfo(req));
    if (reissue && auth.transport === 'cookie') this.cookies.set(res, reissue);
    // A bearer client holds its token itself: it gets the one that says `otp`.
    if (reissue && auth.transport === 'bearer') return { recoveryCodes, ...bearerToken(reissue) };
    return { recoveryCodes };
  }

  @Delete('totp')
  @HttpCode(204)
  @ApiCookieAuth()
  @ApiBearerAuth()
  @ApiNoContentResponse()
  async disable(@CurrentAuth() auth: AuthContext, @ValidBody() body: DisableTotpDto, @Req() req: Request): Promise<void> {
    await this.secondFactor.disable(auth, body.password, body.code, clientInfo(req));
  }

  @Post('recovery-codes')
  @HttpCode(200)
  @ApiCookieAuth()
  @ApiBearerAuth()
  @ApiOkResponse({ type: RecoveryCodesView })
  async regenerate(@CurrentAuth() auth: AuthContext, @ValidBody() body: TotpCodeDto, @Req() req: Request): Promise<RecoveryCodesView> {
    return { recoveryCodes: await this.secondFactor.regenerateRecoveryCodes(auth, body.code, clientInfo(req)) };
  }

  /** The second step of a browser sign-in: the pending token and a code (or a recovery code) → the session cookies. */
  @Public()
  @Post('verify')
  @HttpCode(200)
  @ApiOkResponse({ type: UserEnvelope })
  async verify(@ValidBody() body: MfaVerifyDto, @Req() req: Request, @Res({ passthrough: true }) res: Response): Promise<UserEnvelope> {
    const client = { ...clientInfo(req), deviceToken: this.cookies.deviceToken(req) };
    const { user, assurance } = await this.secondFactor.complete(body.mfaToken, { code: body.code, recoveryCode: body.recoveryCode }, client);
    this.cookies.set(res, await this.auth.signIn(user, client, assurance));
    this.cookies.setDevice(res, this.auth.deviceTokenFor(user));
    return { user: UserView.of(user) };
  }
}
