export { MfaModule } from './mfa.module.js';
export { UserTotp } from './user-totp.entity.js';
export { RecoveryCode } from './recovery-code.entity.js';
export { MfaChallenge } from './mfa-challenge.entity.js';
export { SecondFactorStore } from './second-factor.store.js';
export { MfaChallenges } from './mfa-challenges.js';
export { SecretBox } from './secret-box.js';
export { matchTotp, newTotpSecret, totpUri } from './totp.js';
export { hashRecoveryCode, hashRecoveryCodes, newRecoveryCodes, normalizeRecoveryCode } from './recovery-codes.js';
