export { AdminModule } from './admin.module.js';
export { ROLE_PATTERN } from './dto/admin.dto.js';
