export { MfaModule } from './mfa.module.js';
export { UserTotp } from './user-totp.entity.js';
export { RecoveryCode } from './recovery-code.entity.js';
export { MfaChallenge } from './mfa-challenge.entity.js';
export { SecondFactorStore } from './second-factor.store.js';
export { MfaChallenges, MFA_CHALLENGE_MAX_ATTEMPTS, MFA_CHALLENGE_TTL_MS } from './mfa-challenges.js';
export { SecretBox } from './secret-box.js';
export { matchTotp, newTotpSecret, totpUri, TOTP_PERIOD_SECONDS } from './totp.js';
export { hashRecoveryCode, newRecoveryCodes, normalizeRecoveryCode, RECOVERY_CODE_COUNT } from './recovery-codes.js';
