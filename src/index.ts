/**
 * The public face of `nest-dual-session-auth`: everything a host application uses, and nothing else.
 */
export {
  AuthModule,
  type AuthModuleOptions,
  type AuthModuleExtras,
  type AuthOptionsFactory,
  type JwtOptions,
  type MfaOptions,
  type RateLimiterFactory,
  type SessionStrategyName,
  Public,
  Roles,
  Permissions,
  CurrentUser,
  CurrentAuth,
  RequireMfa,
  FreshAuth,
  AllowBeforeMfaEnrolment,
  hasSecondFactor,
  SecondFactorService,
  type SecondFactorProof,
  AuthService,
  Clock,
  AccessGuard,
  SessionProvider,
  RolePermissions,
  type AuthResult,
  type IssuedCredentials,
  type PresentedCredential,
  type AuthContext,
  type AuthUser,
  type AuthenticatedRequest,
  type ClientInfo,
  type Transport,
} from './auth/index.js';
export { authOptionsFromEnv } from './auth/auth-options-from-env.js';
export { ConfigurationError, type Env } from '../config/index.js';
export { authMigrations } from './database/index.js';
export {
  DomainEvent,
  DomainEventBus,
  OnDomainEvent,
  type Delivery,
  SessionRevokedEvent,
  SessionAuthenticatedEvent,
  UserPasswordChangedEvent,
  UserSecondFactorChangedEvent,
  UserRolesChangedEvent,
  UserSessionsRevokedEvent,
  UserSuspendedEvent,
  UserUnsuspendedEvent,
} from './events/index.js';
export { UsersService, User, type UserStatus, type NewUser } from './users/index.js';
export { SessionsService, Session, RotatedToken, generateSessionSecret, hashSessionSecret, type Assurance, type NewSession, type RevocationReason } from './sessions/index.js';
export { UserTotp, RecoveryCode, MfaChallenge } from './mfa/index.js';
export { AuthMetrics, RedisConnection, type RedisState } from './cluster/index.js';
export { DomainError, type DomainErrorCode } from './common/domain-error.js';
export { HttpErrorFilter, type ErrorBody } from './common/http-error.filter.js';
