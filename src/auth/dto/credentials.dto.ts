import { ApiProperty, ApiPropertyOptional, IntersectionType } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsEmail, IsIn, IsOptional, IsString, MaxLength, MinLength, ValidateIf } from 'class-validator';

/** Passwords: at least 8, at most 1,024 characters (bounded before hashing); no composition rules. */
export const PASSWORD_MIN = 8;
export const PASSWORD_MAX = 1024;

/** Surrounding spaces in an address are a typing slip, not part of it. */
const Trim = () => Transform(({ value }) => (typeof value === 'string' ? value.trim() : value));

export class LoginDto {
  @ApiProperty({ example: 'ada@example.com', maxLength: 254 })
  @Trim()
  @IsString()
  @MaxLength(254)
  @IsEmail()
  email: string;

  @ApiProperty({ example: 'correct horse battery staple', maxLength: PASSWORD_MAX })
  @IsString()
  @MinLength(1)
  @MaxLength(PASSWORD_MAX)
  password: string;
}

export class RegisterDto extends LoginDto {
  @ApiProperty({ example: 'correct horse battery staple', minLength: PASSWORD_MIN, maxLength: PASSWORD_MAX })
  @IsString()
  @MinLength(PASSWORD_MIN)
  @MaxLength(PASSWORD_MAX)
  declare password: string;

  @ApiPropertyOptional({ example: 'Ada Lovelace', maxLength: 100 })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  name?: string;
}

/** Null is not a way to leave a field out: it is validated (and refused) like any other non-string. */
const absent = (value: unknown) => value === undefined || value === null;

export class TokenRequestDto {
  @ApiProperty({ enum: ['password', 'refresh_token', 'mfa_otp'] })
  @IsString()
  @IsIn(['password', 'refresh_token', 'mfa_otp'])
  grant_type: 'password' | 'refresh_token' | 'mfa_otp';

  @ApiPropertyOptional({ description: 'password grant' })
  @ValidateIf((o: TokenRequestDto) => o.grant_type === 'password')
  @Trim()
  @IsString()
  @MaxLength(254)
  @IsEmail()
  email?: string;

  @ApiPropertyOptional({ description: 'password grant', maxLength: PASSWORD_MAX })
  @ValidateIf((o: TokenRequestDto) => o.grant_type === 'password')
  @IsString()
  @MinLength(1)
  @MaxLength(PASSWORD_MAX)
  password?: string;

  @ApiPropertyOptional({ description: 'refresh_token grant (JWT strategy)' })
  @ValidateIf((o: TokenRequestDto) => o.grant_type === 'refresh_token')
  @IsString()
  @MaxLength(512)
  refresh_token?: string;

  @ApiPropertyOptional({ description: 'mfa_otp grant: the mfa_token of the 403 mfa_required answer' })
  @ValidateIf((o: TokenRequestDto) => o.grant_type === 'mfa_otp')
  @IsString()
  @MaxLength(128)
  mfa_token?: string;

  @ApiPropertyOptional({ description: 'mfa_otp grant: the authenticator code (or send recovery_code)' })
  @ValidateIf((o: TokenRequestDto) => o.otp !== undefined || (o.grant_type === 'mfa_otp' && absent(o.recovery_code)))
  @IsString()
  @MaxLength(16)
  otp?: string;

  @ApiPropertyOptional({ description: 'mfa_otp grant: a recovery code instead of otp' })
  @ValidateIf((o: TokenRequestDto) => o.recovery_code !== undefined)
  @IsString()
  @MaxLength(64)
  recovery_code?: string;
}

export class ChangePasswordDto {
  @ApiProperty({ maxLength: PASSWORD_MAX })
  @IsString()
  @MinLength(1)
  @MaxLength(PASSWORD_MAX)
  currentPassword: string;

  @ApiProperty({ minLength: PASSWORD_MIN, maxLength: PASSWORD_MAX })
  @IsString()
  @MinLength(PASSWORD_MIN)
  @MaxLength(PASSWORD_MAX)
  newPassword: string;
}

/** A current password, asked again before a sensitive change. */
export class PasswordConfirmationDto {
  @ApiProperty({ maxLength: PASSWORD_MAX })
  @IsString()
  @MinLength(1)
  @MaxLength(PASSWORD_MAX)
  password: string;
}

export class TotpCodeDto {
  @ApiProperty({ example: '123456', description: 'the 6-digit code the authenticator shows' })
  @IsString()
  @MaxLength(16)
  code: string;
}

export class DisableTotpDto extends IntersectionType(PasswordConfirmationDto, TotpCodeDto) {}

/** A second factor: the authenticator's code, or one recovery code. */
export class SecondFactorProofDto {
  @ApiPropertyOptional({ example: '123456' })
  @ValidateIf((o: SecondFactorProofDto) => o.code !== undefined || absent(o.recoveryCode))
  @IsString()
  @MaxLength(16)
  code?: string;

  @ApiPropertyOptional({ example: 'abcd-efgh-jkmn-pqrs' })
  @ValidateIf((o: SecondFactorProofDto) => o.recoveryCode !== undefined)
  @IsString()
  @MaxLength(64)
  recoveryCode?: string;
}

export class MfaVerifyDto extends SecondFactorProofDto {
  @ApiProperty({ description: 'from the sign-in answer { mfaRequired, mfaToken }' })
  @IsString()
  @MaxLength(128)
  mfaToken: string;
}

export class ReauthenticateDto extends PasswordConfirmationDto {
  @ApiPropertyOptional({ example: '123456', description: 'required when the account has a second factor (or recoveryCode)' })
  @ValidateIf((o: ReauthenticateDto) => o.code !== undefined)
  @IsString()
  @MaxLength(16)
  code?: string;

  @ApiPropertyOptional()
  @ValidateIf((o: ReauthenticateDto) => o.recoveryCode !== undefined)
  @IsString()
  @MaxLength(64)
  recoveryCode?: string;
}
