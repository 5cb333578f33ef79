export { typeormOptions } from './typeorm-options.js';
export { ENTITIES } from './entities.js';
export { authMigrations } from './migrations.js';
