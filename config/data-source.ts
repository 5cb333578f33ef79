import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { typeormOptions } from '../src/database/index.js';
import { loadConfiguration } from './configuration.js';

/** For the TypeORM CLI (`typeorm -d dist/config/data-source.js ...`): the same configuration the service reads. */
export default new DataSource({ ...typeormOptions(loadConfiguration().database), migrationsRun: false });
