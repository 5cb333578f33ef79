export { User, type UserStatus } from './user.entity.js';
export { UsersModule } from './users.module.js';
export { UsersService, type NewUser } from './users.service.js';
export { normalizeEmail } from './email.js';
