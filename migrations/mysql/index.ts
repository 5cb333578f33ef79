import { CreateUsersAndSessions1795000000000 } from './1795000000000-CreateUsersAndSessions.js';

/** MySQL/MariaDB migrations in the order they apply. */
export const MYSQL_MIGRATIONS = [CreateUsersAndSessions1795000000000];
