import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { TSchema, Static } from '@sinclair/typebox';
import { validationError, type FieldIssue } from './errors.ts';
import { isInstant } from './instant.ts';

// ajv-formats is CommonJS with a default export; under NodeNext it arrives wrapped.
const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

function makeAjv(coerceTypes: false | 'array'): Ajv {
  const ajv = addFormats(
    new Ajv({
      allErrors: true,
      strict: false,
      useDefaults: true,
      // Errors carry their schema, so a pattern error can quote the field's description.
      verbose: true,
      coerceTypes,
      discriminator: true,
    }),
  );
  // Stricter than ajv-formats: the instant must exist, or new Date() would turn it into NaN.
  return ajv.addFormat('date-time', { type: 'string', validate: isInstant });
}

/** Checks JSON bodies: no type coercion, so "5" is not a number. */
const bodyAjv = makeAjv(false);

/** Checks query strings and path parameters, whose values all arrive as text. */
const textAjv = makeAjv('array');

// eslint-disable-next-line no-control-regex -- finding NUL is the point
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** A value still to look at, with the key it sits under in its parent (to check the key first). */
interface Pending {
  value: unknown;
  parentPath: string;
  key?: string;
}

/**
 * The JSON pointer of the first string no database stores alike: one holding a NUL
 * character or a lone UTF-16 surrogate (not valid Unicode). Walks depth first with a stack of
 * its own, so no nesting overflows the call stack.
 */
function findUnstorable(value: unknown): string | undefined {
  const pending: Pending[] = [{ value, parentPath: '' }];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const { key, parentPath } = next;
    if (key !== undefined && UNSTORABLE.test(key))
      return `${parentPath}/${key.replace(new RegExp(UNSTORABLE, 'g'), '')}`;
    const path = key === undefined ? parentPath : `${parentPath}/${key}`;
    if (typeof next.value === 'string') {
      if (UNSTORABLE.test(next.value)) return path;
    } else if (typeof next.value === 'object' && next.value !== null) {
      const entries = Object.entries(next.value);
      for (let index = entries.length - 1; index >= 0; index--) {
        const [childKey, child] = entries[index] as [string, unknown];
        pending.push({ value: child, parentPath: path, key: childKey });
      }
    }
  }
  return undefined;
}

/** An Ajv-style check: true, or false with its errors in .errors. */
export interface SchemaCheck {
  (value: unknown): boolean;
  errors?: ErrorObject[] | null;
}

/** Compiles a schema into a check that also refuses unstorable text anywhere in the value. */
export function compileCheck(schema: object, part: 'body' | 'text' = 'body'): SchemaCheck {
  const ajvCheck: ValidateFunction = (part === 'body' ? bodyAjv : textAjv).compile(schema);
  const check: SchemaCheck = (value) => {
    if (!ajvCheck(value)) {
      check.errors = ajvCheck.errors ?? [];
      return false;
    }
    const unstorable = findUnstorable(value);
    check.errors =
      unstorable === undefined
        ? null
        : [
            {
              instancePath: unstorable,
              keyword: 'unstorable',
              schemaPath: '',
              params: {},
              message: 'must be valid Unicode without NUL characters',
            },
          ];
    return unstorable === undefined;
  };
  return check;
}

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
    const description = (error.parentSchema as { description?: unknown } | undefined)?.description;
    if (error.keyword === 'pattern' && typeof description === 'string') {
      return { path: `${prefix}${error.instancePath}`, message: `must be ${description}` };
    }
    if (error.keyword === 'discriminator') {
      return {
        path: `${prefix}${error.instancePath}/${String(params.tag)}`,
        message: 'is missing or not a known kind',
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
  const check = compileCheck(schema);
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
  const check = compileCheck(schema);
  return (value, prefix) => (check(value) ? [] : toFieldIssues(check.errors ?? [], prefix));
}
