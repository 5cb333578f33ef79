export { ROLE_PATTERN } from './dto/admin.dto.js';
