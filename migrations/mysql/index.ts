import { CreateUsersAndSessions1795000000000 } from './1795000000000-CreateUsersAndSessions.js';
import { AddRotatedTokens1795100000000 } from './1795100000000-AddRotatedTokens.js';
import { IndexUsersUpdatedAt1795200000000 } from './1795200000000-IndexUsersUpdatedAt.js';
import { ExactEmailCollation1795300000000 } from './1795300000000-ExactEmailCollation.js';
import { RefreshGenerations1795400000000 } from './1795400000000-RefreshGenerations.js';
import { IndexSessionsIdleExpiresAt1795500000000 } from './1795500000000-IndexSessionsIdleExpiresAt.js';
import { SecondFactor1795600000000 } from './1795600000000-SecondFactor.js';

/** MySQL/MariaDB migrations in the order they apply. */
export const MYSQL_MIGRATIONS = [CreateUsersAndSessions1795000000000, AddRotatedTokens1795100000000, IndexUsersUpdatedAt1795200000000, ExactEmailCollation1795300000000, RefreshGenerations1795400000000, IndexSessionsIdleExpiresAt1795500000000, SecondFactor1795600000000];
