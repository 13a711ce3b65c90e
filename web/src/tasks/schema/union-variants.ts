import type { JsonSchema } from '../../types.ts';
import { isRecord } from '../task-draft.ts';
import { labelOf } from './schema-shape.ts';

/** Whether a variant of a union is one literal value (a named period, say). */
export const isConstant = (variant: JsonSchema) => 'const' in variant;

const isObjectVariant = (variant: JsonSchema) => variant.type === 'object' && !!variant.properties;

/**
 * Whether an object could be of an object variant: it has the variant's required properties
 * and, where the variant allows no others, none but the variant's.
 */
function fitsObject(variant: JsonSchema, value: Record<string, unknown>): boolean {
  const properties = variant.properties ?? {};
  const hasRequired = (variant.required ?? []).every((name) => value[name] !== undefined);
  const onlyKnown =
    variant.additionalProperties !== false ||
    Object.keys(value).every((name) => name in properties);
  return hasRequired && onlyKnown;
}

/** Whether a value could be of a variant: its literal, its object's shape, or its JSON type. */
export function fitsVariant(variant: JsonSchema, value: unknown): boolean {
  if (isConstant(variant)) return variant.const === value;
  if (isObjectVariant(variant)) return isRecord(value) && fitsObject(variant, value);
  const type = Array.isArray(value) ? 'array' : value === null ? 'null' : typeof value;
  return variant.type === type || (type === 'number' && variant.type === 'integer');
}

/**
 * The variant a value belongs to, or -1: the first it fits, else (an object that fits no
 * object variant yet, say while a required field is empty) the first of its JSON type.
 */
export function variantIndex(variants: readonly JsonSchema[], value: unknown): number {
  const fitting = variants.findIndex((variant) => fitsVariant(variant, value));
  if (fitting !== -1 || !isRecord(value)) return fitting;
  return variants.findIndex(isObjectVariant);
}

/**
 * A variant's name in the choice: its title, its literal, else the label of its first required
 * property (a source given by "File" or by "URL").
 */
export function variantLabel(variant: JsonSchema): string {
  if (variant.title) return variant.title;
  if (isConstant(variant)) return String(variant.const);
  const [first] = variant.required ?? [];
  const property = first === undefined ? undefined : variant.properties?.[first];
  if (first !== undefined && property) return labelOf(first, property);
  return variant.type === 'object' ? 'Custom…' : `Other (${variant.type ?? 'value'})`;
}

/** Whether a variant is edited as a form of its own fields (else as JSON, or not at all). */
export function hasForm(variant: JsonSchema): boolean {
  return isObjectVariant(variant);
}
