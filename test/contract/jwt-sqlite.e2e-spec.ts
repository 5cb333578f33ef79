import { runContractSuite } from './contract-suite.js';

runContractSuite({ strategy: 'jwt', dialect: 'sqlite' });
