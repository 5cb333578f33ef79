export { Session } from './session.entity.js';
export { RotatedToken } from './rotated-token.entity.js';
export { SessionsModule } from './sessions.module.js';
export { SessionsService, type NewSession, type RevocationReason } from './sessions.service.js';
export { generateSessionSecret, hashSessionSecret } from './session-secret.js';
