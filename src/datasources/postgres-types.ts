import pg from 'pg';

const PG_INT8 = 20;
const PG_NUMERIC = 1700;
const PG_DATE = 1082;

/**
 * Numbers as numbers (when they fit exactly) so spreadsheets can sum them; a date column as
 * the date it holds, not midnight in this server's zone.
 */
export function reportTypeParser(
  oid: number,
  format?: 'text' | 'binary',
): (value: string) => unknown {
  if (oid === PG_INT8 || oid === PG_NUMERIC) {
    return (value) => {
      const number = Number(value);
      return Number.isFinite(number) && String(number) === value ? number : value;
    };
  }
  if (oid === PG_DATE) return (value) => value;
  return pg.types.getTypeParser(oid, format ?? 'text') as (value: string) => unknown;
}
