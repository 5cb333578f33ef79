import { CreateUsersAndSessions1795000000000 } from './1795000000000-CreateUsersAndSessions.js';
import { AddRefreshRotation1795100000000 } from './1795100000000-AddRefreshRotation.js';

/** MySQL/MariaDB migrations in the order they apply. */
export const MYSQL_MIGRATIONS = [CreateUsersAndSessions1795000000000, AddRefreshRotation1795100000000];
