/**
 * Annotations a component's config schema may put on a string field (or on an object, for
 * every string in it):
 * `secret: true` (encrypted at rest, masked in the API, never filled with placeholders),
 * `placeholders: false` (passed as written; the component binds placeholders itself, as SQL does)
 * and `destination: true` (where the component sends data: a stored secret is not kept when
 * it changes, so a new destination cannot receive the old secret).
 */
export interface FieldAnnotations {
  secret: boolean;
  placeholders: boolean;
  destination: boolean;
}

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

function mapValue(
  value: unknown,
  schemas: readonly Schema[],
  inherited: FieldAnnotations,
  path: string,
  fn: StringMapper,
): unknown {
  const field = annotationsOf(schemas, inherited);
  if (typeof value === 'string') return fn(value, field, path);
  if (Array.isArray(value)) {
    return value.map((item, index) =>
      mapValue(item, childSchemas(schemas, index), field, `${path}/${index}`, fn),
    );
  }
  if (isObject(value)) {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [
        key,
        mapValue(item, childSchemas(schemas, key), field, `${path}/${key}`, fn),
      ]),
    );
  }
  return value;
}

/**
 * A copy of config with every string replaced by fn(string, its field's annotations), found
 * by walking the config alongside its JSON Schema (properties, items, unions).
 */
export function mapConfigStrings(schema: unknown, config: unknown, fn: StringMapper): unknown {
  const root = isObject(schema) ? branches(schema) : [];
  return mapValue(config, root, { secret: false, placeholders: true, destination: false }, '', fn);
}

/** Whether the schema marks any field secret (so configs of this kind need protecting). */
export function hasSecretFields(schema: unknown): boolean {
  return JSON.stringify(schema).includes('"secret":true');
}
