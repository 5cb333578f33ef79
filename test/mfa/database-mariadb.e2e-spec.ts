import { runMfaSuite } from './mfa-suite.js';

runMfaSuite({ strategy: 'database', dialect: 'mariadb' });
