export { AuthModule } from './auth.module.js';
export type { AuthModuleOptions, SessionStrategyName } from './auth-options.js';
export { SessionProvider, type IssuedCredentials } from './session-provider.js';
export { Public, Roles, Permissions, CurrentUser, CurrentAuth } from './decorators.js';
export type { AuthContext, AuthUser, Transport } from './auth-context.js';
export { UserView } from './dto/views.dto.js';
export { PASSWORD_MAX, PASSWORD_MIN, RegisterDto } from './dto/credentials.dto.js';
