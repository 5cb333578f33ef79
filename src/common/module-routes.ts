import { applyDecorators, SetMetadata, UseFilters, UsePipes } from '@nestjs/common';
import { HttpErrorFilter } from './http-error.filter.js';
import { createValidationPipe } from './validation.js';

/**
 * What the module's own controllers carry with them instead of asking the host for globals: the
 * one error shape and strict validation. The guard, which runs on every one of their routes, adds
 * JSON-only bodies and `Cache-Control: no-store` (cheaper there than an interceptor per request).
 */
export const ModuleRoutes = () => applyDecorators(SetMetadata(MODULE_ROUTE, true), UseFilters(HttpErrorFilter), UsePipes(createValidationPipe()));

/** Marks the module's own controllers (JSON-only bodies and no-store apply to them). */
export const MODULE_ROUTE = 'auth:module-route';
