import { runMfaSuite } from './mfa-suite.js';

runMfaSuite({ strategy: 'jwt', dialect: 'mariadb' });
