import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { Session } from '../../sessions/index.js';
import type { User } from '../../users/index.js';
import type { AuthUser } from '../auth-context.js';
import type { IssuedCredentials } from '../session-provider.js';

/** The public face of a user: never the password hash or the version counter. */
export class UserView {
  @ApiProperty() id: string;
  @ApiProperty() email: string;
  @ApiProperty({ nullable: true, type: String }) name: string | null;
  @ApiProperty({ type: [String] }) roles: readonly string[];
  @ApiPropertyOptional({ type: [String], description: 'the signed-in user only' }) permissions?: readonly string[];
  @ApiProperty({ enum: ['active', 'suspended'] }) status: 'active' | 'suspended';
  @ApiPropertyOptional() createdAt?: string;
  @ApiPropertyOptional({ description: 'whether a second factor is enabled (user records, not the session view)' }) mfaEnabled?: boolean;

  static of(user: User | AuthUser): UserView {
    const view: UserView = { id: user.id, email: user.email, name: user.name, roles: user.roles, status: user.status };
    if ('permissions' in user) view.permissions = user.permissions;
    if ('mfaEnabledAt' in user) view.mfaEnabled = user.mfaEnabledAt !== null && user.mfaEnabledAt !== undefined;
    if ('createdAt' in user && user.createdAt) view.createdAt = user.createdAt.toISOString();
    return view;
  }
}

export class UserEnvelope {
  @ApiProperty({ type: UserView }) user: UserView;
}

export class MeView extends UserEnvelope {
  @ApiProperty() sessionId: string;
  @ApiProperty({ enum: ['cookie', 'bearer'] }) transport: string;
  @ApiProperty({ type: [String], description: 'how this session was authenticated: pwd, otp, recovery' }) amr: readonly string[];
  @ApiPropertyOptional({ description: 'when the user last authenticated on this session' }) authTime?: string;
}

/** The token-response fields for a bearer client handed a replacement access token. */
export function bearerToken(issued: IssuedCredentials): { access_token: string; token_type: 'Bearer'; expires_in: number } {
  return { access_token: issued.accessToken, token_type: 'Bearer', expires_in: Math.floor(issued.accessExpiresInMs / 1000) };
}

/** A correct password for an account with a second factor: no session yet. */
export class MfaChallengeView {
  @ApiProperty({ example: true }) mfaRequired: true;
  @ApiProperty({ description: 'send with the code to POST /auth/mfa/verify within 5 minutes' }) mfaToken: string;
}

export class MfaStatusView {
  @ApiProperty() enabled: boolean;
  @ApiProperty() recoveryCodesRemaining: number;
}

export class TotpEnrolmentView {
  @ApiProperty({ description: 'base32; for manual entry' }) secret: string;
  @ApiProperty({ example: 'otpauth://totp/nest-auth:ada%40example.com?secret=…&issuer=nest-auth' }) otpauthUrl: string;
}

export class RecoveryCodesView {
  @ApiProperty({ type: [String], description: 'shown once; each works once' }) recoveryCodes: string[];
  @ApiPropertyOptional({ description: 'JWT strategy, bearer clients confirming enrolment: the access token with amr otp' }) access_token?: string;
  @ApiPropertyOptional() token_type?: 'Bearer';
  @ApiPropertyOptional() expires_in?: number;
}

export class ReauthenticationView extends UserEnvelope {
  @ApiProperty({ type: [String] }) amr: string[];
  @ApiProperty() authTime: string;
  @ApiPropertyOptional({ description: 'JWT strategy, bearer clients: the access token with the new auth_time' }) access_token?: string;
  @ApiPropertyOptional() token_type?: 'Bearer';
  @ApiPropertyOptional() expires_in?: number;
}

export class TokenResponse {
  @ApiProperty() access_token: string;
  @ApiProperty({ example: 'Bearer' }) token_type: 'Bearer';
  @ApiProperty({ description: 'seconds' }) expires_in: number;
  @ApiPropertyOptional({ description: 'JWT strategy only' }) refresh_token?: string;
}

export class SessionView {
  @ApiProperty() id: string;
  @ApiProperty() createdAt: string;
  @ApiProperty() lastSeenAt: string;
  @ApiProperty() expiresAt: string;
  @ApiProperty({ nullable: true, type: String }) userAgent: string | null;
  @ApiProperty({ nullable: true, type: String }) ip: string | null;
  @ApiProperty() current: boolean;
  @ApiProperty({ type: [String], description: 'how the session was signed in: pwd, otp, recovery' }) amr: string[];

  static of(session: Session, currentId: string): SessionView {
    return {
      amr: session.amr.split(' '),
      id: session.id,
      createdAt: session.createdAt.toISOString(),
      lastSeenAt: session.lastSeenAt.toISOString(),
      expiresAt: (session.idleExpiresAt < session.absoluteExpiresAt ? session.idleExpiresAt : session.absoluteExpiresAt).toISOString(),
      userAgent: session.userAgent,
      ip: session.ip,
      current: session.id === currentId,
    };
  }
}

export class SessionList {
  @ApiProperty({ type: [SessionView] }) items: SessionView[];
}
