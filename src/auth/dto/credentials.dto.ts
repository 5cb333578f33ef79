import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
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

export class TokenRequestDto {
  @ApiProperty({ enum: ['password', 'refresh_token'] })
  @IsString()
  @IsIn(['password', 'refresh_token'])
  grant_type: 'password' | 'refresh_token';

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
