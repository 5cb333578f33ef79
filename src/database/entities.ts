import { MfaChallenge, RecoveryCode, UserTotp } from '../mfa/index.js';
import { RotatedToken, Session } from '../sessions/index.js';
import { User } from '../users/index.js';

/** Every entity the service persists; TypeORM needs the full list for the CLI and the schema check. */
export const ENTITIES = [User, Session, RotatedToken, UserTotp, RecoveryCode, MfaChallenge];
