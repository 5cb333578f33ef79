export { Session } from './session.entity.js';
export { RotatedToken } from './rotated-token.entity.js';
export { SessionsModule } from './sessions.module.js';
export { SessionsService, type Assurance, type NewSession, type RevocationReason } from './sessions.service.js';
export { generateSessionSecret, hashSessionSecret, isWellFormedSecret } from './session-secret.js';
export { SessionLookup, type SessionRecord } from './session-lookup.js';
