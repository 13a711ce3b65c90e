import { Type } from '@sinclair/typebox';

/** The permission to run SQL on the data sources an administrator shares. */
export const SQL_PERMISSION = 'job.sql';

/** The config field naming the data source a query runs on. */
export const DataSourceField = Type.String({
  minLength: 1,
  maxLength: 200,
  dataSource: true,
  description: 'The name of the data source to query (an administrator sets them up)',
});

/** A config field holding SQL: left as written, its {name} placeholders bound as parameters. */
export function QueryField(description: string) {
  return Type.String({ minLength: 1, maxLength: 100_000, placeholders: false, description });
}
