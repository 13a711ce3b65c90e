/**
 * Annotations a component's config schema may put on a string field (or on an object, for
 * every string in it):
 * `secret: true` (encrypted at rest, masked in the API, never filled with placeholders),
 * `placeholders: false` (passed as written; the component binds placeholders itself, as SQL does)
 * `destination: true` (where the component sends data: a stored secret is not kept when
 * it changes, so a new destination cannot receive the old secret), `folder: true` (a file or
 * folder on the server, refused at save unless inside the allowed folders) and
 * `dataSource: true` (the name of a data source, refused at save unless the owner may use it).
 */
export interface FieldAnnotations {
  secret: boolean;
  placeholders: boolean;
  destination: boolean;
  folder: boolean;
  dataSource: boolean;
}

/** A field with no annotation: a plain text, its placeholders filled. */
const PLAIN: FieldAnnotations = {
  secret: false,
  placeholders: true,
  destination: false,
  folder: false,
  dataSource: false,
};

type Schema = Record<string, unknown>;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The schemas a value may match: the schema itself and, for unions, every branch. */
function branches(schema: Schema): Schema[] {
  const alternatives = [schema.anyOf, schema.oneOf, schema.allOf].flatMap((list) =>
    Array.isArray(list) ? (list as unknown[]).filter(isObject) : [],
  );
  return [schema, ...alternatives.flatMap(branches)];
}

function annotationsOf(schemas: readonly Schema[], inherited: FieldAnnotations): FieldAnnotations {
  return {
    secret: inherited.secret || schemas.some((schema) => schema.secret === true),
    placeholders:
      inherited.placeholders && !schemas.some((schema) => schema.placeholders === false),
    destination: inherited.destination || schemas.some((schema) => schema.destination === true),
    folder: inherited.folder || schemas.some((schema) => schema.folder === true),
    dataSource: inherited.dataSource || schemas.some((schema) => schema.dataSource === true),
  };
}

/** The schema(s) for one property or item of a value matched by these schemas. */
function childSchemas(schemas: readonly Schema[], key: string | number): Schema[] {
  return schemas.flatMap((schema) => {
    if (typeof key === 'number') return isObject(schema.items) ? branches(schema.items) : [];
    const properties = isObject(schema.properties) ? schema.properties : {};
    const own = properties[key];
    if (isObject(own)) return branches(own);
    // TypeBox Records put their value schema under patternProperties.
    const patterns = isObject(schema.patternProperties) ? schema.patternProperties : {};
    const matching = Object.entries(patterns).flatMap(([pattern, value]) =>
      isObject(value) && new RegExp(pattern, 'u').test(key) ? branches(value) : [],
    );
    if (matching.length > 0) return matching;
    return isObject(schema.additionalProperties) ? branches(schema.additionalProperties) : [];
  });
}

/** Called for each string: its text, its field's annotations and its JSON pointer. */
export type StringMapper = (text: string, field: FieldAnnotations, path: string) => string;

/** A value still to map: its schemas, what it inherits, where it is, and where its copy goes. */
interface Pending {
  value: unknown;
  schemas: readonly Schema[];
  inherited: FieldAnnotations;
  path: string;
  into: Record<string, unknown>;
  key: string;
}

/** An empty copy of an array or object, its keys in order, for the mapped values to fill. */
function emptyCopy(value: unknown[] | Record<string, unknown>): Record<string, unknown> {
  if (Array.isArray(value))
    return new Array<unknown>(value.length) as unknown as Record<string, unknown>;
  return Object.fromEntries(Object.keys(value).map((key) => [key, undefined]));
}

/** Queues the children of an array or object, last first, so that they are mapped in order. */
function queueChildren(pending: Pending[], next: Pending, field: FieldAnnotations): void {
  const value = next.value as unknown[] | Record<string, unknown>;
  const copy = emptyCopy(value);
  next.into[next.key] = copy;
  const keys = Object.keys(value);
  for (let index = keys.length - 1; index >= 0; index--) {
    const key = keys[index] as string;
    const item: unknown = Array.isArray(value) ? value[index] : value[key];
    const schemas = childSchemas(next.schemas, Array.isArray(value) ? index : key);
    pending.push({
      value: item,
      schemas,
      inherited: field,
      path: `${next.path}/${key}`,
      into: copy,
      key,
    });
  }
}

/** Maps depth first, in key order, with a stack of its own: no nesting overflows the call stack. */
function mapValue(
  value: unknown,
  schemas: readonly Schema[],
  inherited: FieldAnnotations,
  fn: StringMapper,
): unknown {
  const root: Record<string, unknown> = { value: undefined };
  const pending: Pending[] = [{ value, schemas, inherited, path: '', into: root, key: 'value' }];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const field = annotationsOf(next.schemas, next.inherited);
    if (typeof next.value === 'string') {
      next.into[next.key] = fn(next.value, field, next.path);
    } else if (Array.isArray(next.value) || isObject(next.value)) {
      queueChildren(pending, next, field);
    } else {
      next.into[next.key] = next.value;
    }
  }
  return root.value;
}

/**
 * A copy of config with every string replaced by fn(string, its field's annotations), found
 * by walking the config alongside its JSON Schema (properties, items, unions).
 */
export function mapConfigStrings(schema: unknown, config: unknown, fn: StringMapper): unknown {
  const root = isObject(schema) ? branches(schema) : [];
  return mapValue(config, root, PLAIN, fn);
}

/** Whether the schema marks any field secret (so configs of this kind need protecting). */
export function hasSecretFields(schema: unknown): boolean {
  return JSON.stringify(schema).includes('"secret":true');
}
