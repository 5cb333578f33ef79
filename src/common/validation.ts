import { BadRequestException, ValidationPipe, type ArgumentMetadata, type ValidationError } from '@nestjs/common';
import * as classTransformer from 'class-transformer';
import * as classValidator from 'class-validator';

export interface FieldError {
  field: string;
  errors: string[];
}

/** Flattens nested validation errors into `a.b.c` paths, one entry per bad field. */
export function flattenValidationErrors(errors: ValidationError[], parent = ''): FieldError[] {
  return errors.flatMap((error) => {
    const field = parent ? `${parent}.${error.property}` : error.property;
    const own = error.constraints ? [{ field, errors: Object.values(error.constraints) }] : [];
    return [...own, ...flattenValidationErrors(error.children ?? [], field)];
  });
}

/** Keys that class-transformer drops silently; they are refused like any other unknown field. */
const PROTOTYPE_KEYS = ['__proto__', 'constructor', 'prototype'];
/** No request body of ours nests deeper; deeper input is refused before it can exhaust the stack. */
const MAX_DEPTH = 8;

/** Structural problems found before validation: prototype keys and excessive nesting, each named by its path. */
function structuralProblems(value: unknown, path = '', depth = 0): FieldError[] {
  if (typeof value !== 'object' || value === null) return [];
  if (depth >= MAX_DEPTH) return [{ field: path.split('.')[0], errors: [`${path} is nested too deeply`] }];
  return Object.keys(value).flatMap((key) => {
    const field = path ? `${path}.${key}` : key;
    const own = PROTOTYPE_KEYS.includes(key) ? [{ field, errors: [`property ${key} should not exist`] }] : [];
    return [...own, ...structuralProblems((value as Record<string, unknown>)[key], field, depth + 1)];
  });
}

function invalid(details: FieldError[]): BadRequestException {
  return new BadRequestException({ code: 'VALIDATION_FAILED', message: `Invalid request: ${details.map((d) => d.field).join(', ')}`, details });
}

class StrictValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type === 'body' && metadata.metatype && metadata.metatype !== Object && (typeof value !== 'object' || value === null || Array.isArray(value))) {
      throw invalid([{ field: 'body', errors: ['the body must be a JSON object'] }]);
    }
    if (metadata.type === 'body' || metadata.type === 'query') {
      const refused = structuralProblems(value);
      if (refused.length > 0) throw invalid(refused);
    }
    return super.transform(value, metadata);
  }
}

/** Whitelisting, unknown fields rejected, and one 400 that names every bad field. */
export function createValidationPipe(): ValidationPipe {
  return new StrictValidationPipe({
    // Our DTOs carry our copies' metadata: validate and transform with those, whatever copy the host has.
    validatorPackage: classValidator,
    transformerPackage: classTransformer,
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    transform: true,
    stopAtFirstError: false,
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => invalid(flattenValidationErrors(errors)),
  });
}
