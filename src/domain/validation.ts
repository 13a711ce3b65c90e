import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { TSchema, Static } from '@sinclair/typebox';
import { validationError, type FieldIssue } from './errors.ts';

// ajv-formats is CommonJS with a default export; under NodeNext it arrives wrapped.
const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

/** Checks JSON bodies: no type coercion, so "5" is not a number. */
export const bodyAjv = addFormats(
  new Ajv({ allErrors: true, strict: false, useDefaults: true, coerceTypes: false }),
);

/** Checks query strings and path parameters, whose values all arrive as text. */
export const textAjv = addFormats(
  new Ajv({ allErrors: true, strict: false, useDefaults: true, coerceTypes: 'array' }),
);

/** Turns Ajv's errors into issues that name the offending field by JSON pointer. */
export function toFieldIssues(errors: readonly ErrorObject[], prefix = ''): FieldIssue[] {
  return errors.map((error) => {
    const params = error.params as Record<string, unknown>;
    if (error.keyword === 'required') {
      return {
        path: `${prefix}${error.instancePath}/${String(params.missingProperty)}`,
        message: 'is required',
      };
    }
    if (error.keyword === 'additionalProperties') {
      return {
        path: `${prefix}${error.instancePath}/${String(params.additionalProperty)}`,
        message: 'is not allowed',
      };
    }
    return { path: `${prefix}${error.instancePath}`, message: error.message ?? 'is not valid' };
  });
}

/** A compiled check of one JSON Schema: returns the value typed, or throws VALIDATION_FAILED. */
export interface Validator<T> {
  (value: unknown, pathPrefix?: string): T;
  issues(value: unknown, pathPrefix?: string): FieldIssue[];
}

/** Compiles a schema once; defaults in the schema are filled in on the value. */
export function compileValidator<S extends TSchema>(schema: S): Validator<Static<S>> {
  const check: ValidateFunction = bodyAjv.compile(schema);
  const issues = (value: unknown, prefix = ''): FieldIssue[] =>
    check(value) ? [] : toFieldIssues(check.errors ?? [], prefix);
  const validate = (value: unknown, prefix = ''): Static<S> => {
    const found = issues(value, prefix);
    if (found.length > 0) throw validationError(found);
    return value;
  };
  return Object.assign(validate, { issues });
}

/** Compiles an arbitrary plugin-declared JSON Schema. */
export function compileJsonSchema(
  schema: object,
): (value: unknown, prefix: string) => FieldIssue[] {
  const check = bodyAjv.compile(schema);
  return (value, prefix) => (check(value) ? [] : toFieldIssues(check.errors ?? [], prefix));
}
