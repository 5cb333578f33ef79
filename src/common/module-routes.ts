import { applyDecorators, Body, Query, SetMetadata, UseFilters } from '@nestjs/common';
import { HttpErrorFilter } from './http-error.filter.js';
import { createValidationPipe } from './validation.js';

/**
 * What the module's own controllers carry with them instead of asking the host for globals: the
 * one error shape. The guard, which runs on every one of their routes, adds JSON-only bodies and
 * `Cache-Control: no-store` (cheaper there than an interceptor per request).
 */
export const ModuleRoutes = () => applyDecorators(SetMetadata(MODULE_ROUTE, true), UseFilters(HttpErrorFilter));

/** Marks the module's own controllers (JSON-only bodies and no-store apply to them). */
export const MODULE_ROUTE = 'auth:module-route';

const validation = createValidationPipe();

/**
 * Strict validation on the parameters that carry input. Per parameter, not per controller: a
 * controller-wide pipe also runs (as a promise) on every `@CurrentAuth()`, on every authenticated request.
 */
export const ValidBody = () => Body(validation);
export const ValidQuery = () => Query(validation);
