import type { JsonSchema } from '../../types.ts';

/** How a schema is edited: which control the form shows for it. */
export type FieldShape =
  | { kind: 'text'; multiline: boolean; secret: boolean; folder: boolean }
  | { kind: 'dataSource' }
  | { kind: 'number'; integer: boolean }
  | { kind: 'boolean' }
  | { kind: 'choice'; options: Array<{ value: unknown; label: string }> }
  | { kind: 'union'; variants: JsonSchema[] }
  | { kind: 'list'; itemType: 'string' | 'number' | 'integer' }
  | { kind: 'multichoice'; options: Array<{ value: unknown; label: string }> }
  | { kind: 'object' }
  | { kind: 'record' }
  | { kind: 'json' };

/** Texts longer than this get a text area: bodies, queries, keys. */
const MULTILINE_FROM = 10_000;

/** The secret mask the API shows instead of a stored secret; sent back, it keeps the secret. */
export const SECRET_MASK = '••••••••';

const variantsOf = (schema: JsonSchema) => schema.anyOf ?? schema.oneOf;
const isConstant = (schema: JsonSchema) => 'const' in schema || schema.enum?.length === 1;
const constantOf = (schema: JsonSchema) => ('const' in schema ? schema.const : schema.enum?.[0]);

/** The choices of an enum, or of a union of literals; null when the schema is neither. */
function choicesOf(schema: JsonSchema): Array<{ value: unknown; label: string }> | null {
  if (schema.enum) return schema.enum.map((value) => ({ value, label: String(value) }));
  const variants = variantsOf(schema);
  if (!variants?.every(isConstant)) return null;
  return variants.map((variant) => ({
    value: constantOf(variant),
    label: variant.title ?? String(constantOf(variant)),
  }));
}

function isScalarItem(schema: JsonSchema | undefined): schema is JsonSchema & {
  type: 'string' | 'number' | 'integer';
} {
  if (!schema || variantsOf(schema) || schema.enum) return false;
  return schema.type === 'string' || schema.type === 'number' || schema.type === 'integer';
}

/** The value schema of a record (an object keyed by free names), or null. */
export function recordValueSchema(schema: JsonSchema): JsonSchema | null {
  if (schema.type !== 'object' || schema.properties) return null;
  const patterns = Object.values(schema.patternProperties ?? {});
  const extra =
    typeof schema.additionalProperties === 'object' ? [schema.additionalProperties] : [];
  const values = [...patterns, ...extra];
  return values.length === 1 && values[0]?.type === 'string' ? values[0] : null;
}

/** Which control edits a schema; JSON text for anything the form does not know. */
export function shapeOf(schema: JsonSchema): FieldShape {
  const choices = choicesOf(schema);
  if (choices) return { kind: 'choice', options: choices };
  const variants = variantsOf(schema);
  if (variants) return { kind: 'union', variants };
  switch (schema.type) {
    case 'string': {
      if (schema.dataSource) return { kind: 'dataSource' };
      const multiline = (schema.maxLength ?? Infinity) > MULTILINE_FROM;
      const secret = !!schema.secret;
      return { kind: 'text', multiline: multiline && !secret, secret, folder: !!schema.folder };
    }
    case 'number':
    case 'integer':
      return { kind: 'number', integer: schema.type === 'integer' };
    case 'boolean':
      return { kind: 'boolean' };
    case 'array': {
      const itemChoices = schema.items ? choicesOf(schema.items) : null;
      if (itemChoices) return { kind: 'multichoice', options: itemChoices };
      return isScalarItem(schema.items)
        ? { kind: 'list', itemType: schema.items.type }
        : { kind: 'json' };
    }
    case 'object':
      if (schema.properties) return { kind: 'object' };
      return recordValueSchema(schema) ? { kind: 'record' } : { kind: 'json' };
    default:
      return { kind: 'json' };
  }
}

/** The value a new field starts with: the schema's default, else an empty one of its type. */
export function defaultValue(schema: JsonSchema): unknown {
  if ('default' in schema) return structuredClone(schema.default);
  const shape = shapeOf(schema);
  switch (shape.kind) {
    case 'choice':
      return shape.options[0]?.value;
    case 'union':
      return shape.variants[0] ? defaultValue(shape.variants[0]) : undefined;
    case 'text':
    case 'dataSource':
      return '';
    case 'boolean':
      return false;
    case 'list':
    case 'multichoice':
      return [];
    case 'record':
      return {};
    case 'object':
      return objectDefaults(schema);
    default:
      return schema.type === 'array' ? [] : undefined;
  }
}

/**
 * Whether a property of an object is shown: always, unless its showWhen names a sibling whose
 * value (or default, when unset) is none of those listed.
 */
export function isShown(
  property: JsonSchema,
  object: JsonSchema,
  value: Record<string, unknown>,
): boolean {
  return Object.entries(property.showWhen ?? {}).every(([sibling, allowed]) => {
    const siblingSchema = object.properties?.[sibling];
    const current =
      value[sibling] === undefined && siblingSchema ? defaultValue(siblingSchema) : value[sibling];
    return allowed.includes(current);
  });
}

/**
 * The object without the values of its hidden properties (showWhen), so a field that does not
 * apply (a password for a format that takes none) is not saved; again until none is left, as a
 * property may hang on one that was just hidden.
 */
export function withoutHidden(
  schema: JsonSchema,
  value: Record<string, unknown>,
): Record<string, unknown> {
  const hidden = Object.entries(schema.properties ?? {}).filter(
    ([name, property]) => name in value && !isShown(property, schema, value),
  );
  if (hidden.length === 0) return value;
  const copy = { ...value };
  for (const [name] of hidden) delete copy[name];
  return withoutHidden(schema, copy);
}

/**
 * An object's required fields and fields with defaults; optional ones without stay out, and so
 * do those hidden by the others' defaults.
 */
function objectDefaults(schema: JsonSchema): Record<string, unknown> {
  const required = new Set(schema.required ?? []);
  const result: Record<string, unknown> = {};
  for (const [name, property] of Object.entries(schema.properties ?? {})) {
    if (!required.has(name) && !('default' in property)) continue;
    const value = defaultValue(property);
    if (value !== undefined) result[name] = value;
  }
  return withoutHidden(schema, result);
}

const ACRONYMS = new Set([
  'csv',
  'id',
  'html',
  'http',
  'json',
  'sftp',
  'smtp',
  'sql',
  'ssh',
  'tls',
  'url',
]);

/** Units a name may end in, shown apart: settleSeconds is "Settle (seconds)". */
const UNITS = new Set(['seconds', 'minutes', 'hours', 'days', 'megabytes']);

/**
 * A field's label: its title, else its name in words (validExitCodes: Valid exit codes), a
 * unit at its end in brackets (timeoutSeconds: Timeout (seconds)).
 */
export function labelOf(name: string, schema: JsonSchema): string {
  if (schema.title) return schema.title;
  const words = name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/[_-]+/g, ' ')
    .toLowerCase()
    .split(' ')
    .map((word) => (ACRONYMS.has(word) ? word.toUpperCase() : word));
  const unit = words.length > 1 && UNITS.has(words.at(-1) ?? '') ? words.pop() : undefined;
  const text = unit === undefined ? words.join(' ') : `${words.join(' ')} (${unit})`;
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** A field's help text: its description, unless that only repeats the label ("Port"). */
export function helpOf(name: string, schema: JsonSchema): string | undefined {
  const description = schema.description?.trim();
  if (!description) return undefined;
  return description.toLowerCase() === labelOf(name, schema).toLowerCase()
    ? undefined
    : description;
}

/** A DOM id for the field at a JSON pointer, unique in the page. */
export function fieldId(pointer: string): string {
  return `field${pointer.replace(/[^A-Za-z0-9_-]/g, '-')}`;
}

/** A scalar as an input shows it; anything else as its JSON. */
export function textOf(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}
