import { applyDecorators, SetMetadata, UseFilters, UseInterceptors, UsePipes } from '@nestjs/common';
import { HttpErrorFilter } from './http-error.filter.js';
import { NoStoreInterceptor } from './no-store.interceptor.js';
import { createValidationPipe } from './validation.js';

/**
 * What the module's own controllers carry with them instead of asking the host for globals:
 * the one error shape, strict validation, and no-store responses.
 */
export const ModuleRoutes = () =>
  applyDecorators(SetMetadata(MODULE_ROUTE, true), UseFilters(HttpErrorFilter), UsePipes(createValidationPipe()), UseInterceptors(NoStoreInterceptor));

/** Marks the module's own controllers (JSON-only bodies apply to them). */
export const MODULE_ROUTE = 'auth:module-route';
