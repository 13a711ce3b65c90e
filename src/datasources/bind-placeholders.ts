import { placeholderPattern } from '../domain/placeholders.ts';

/** How a database numbers its bound parameters. */
export type ParameterStyle = 'dollar' | 'question';

/** SQL with its placeholders replaced by bound parameters, and their values in order. */
export interface BoundQuery {
  sql: string;
  parameters: unknown[];
}

/**
 * Turns `{name}` placeholders in SQL into bound parameters ($1 or ?), so a value can never
 * become SQL. A placeholder without a value is an error, not text left in the query.
 */
export function bindPlaceholders(
  sql: string,
  resolve: (name: string, format: string | undefined) => unknown,
  style: ParameterStyle,
): BoundQuery {
  const parameters: unknown[] = [];
  const missing: string[] = [];
  const bound = sql.replace(placeholderPattern(), (whole, name: string, format?: string) => {
    const value = resolve(name, format);
    if (value === undefined) {
      missing.push(whole);
      return whole;
    }
    parameters.push(value instanceof Date ? value.toISOString() : value);
    return style === 'dollar' ? `$${parameters.length}` : '?';
  });
  if (missing.length > 0)
    throw new Error(`the query uses ${missing.join(', ')}, which has no value in this run`);
  return { sql: bound, parameters };
}
