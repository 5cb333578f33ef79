import { runContractSuite } from './contract-suite.js';

runContractSuite({ strategy: 'database', dialect: 'sqlite' });
