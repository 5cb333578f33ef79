import { runContractSuite } from './contract-suite.js';

runContractSuite({ strategy: 'database', dialect: 'mariadb' });
