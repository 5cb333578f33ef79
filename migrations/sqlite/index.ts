import { CreateUsersAndSessions1795000000000 } from './1795000000000-CreateUsersAndSessions.js';

/** SQLite migrations in the order they apply. */
export const SQLITE_MIGRATIONS = [CreateUsersAndSessions1795000000000];
