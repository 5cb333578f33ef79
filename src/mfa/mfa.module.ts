import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { MfaChallenge } from './mfa-challenge.entity.js';
import { MfaChallenges } from './mfa-challenges.js';
import { RecoveryCode } from './recovery-code.entity.js';
import { SecondFactorStore } from './second-factor.store.js';
import { UserTotp } from './user-totp.entity.js';

/** The second factor's storage: TOTP authenticators, recovery codes, pending two-step sign-ins. */
@Module({
  imports: [TypeOrmModule.forFeature([UserTotp, RecoveryCode, MfaChallenge])],
  providers: [SecondFactorStore, MfaChallenges],
  exports: [SecondFactorStore, MfaChallenges],
})
export class MfaModule {}
