import { Type } from '@sinclair/typebox';
import { defineSeries } from '../../define-kind.ts';
import { DataSourceField, QueryField, SQL_PERMISSION } from '../sql-fields.ts';
import { MAX_SERIES_ITEMS, tooManyItems } from './series-limit.ts';

const SqlConfig = Type.Object(
  {
    dataSource: DataSourceField,
    query: QueryField(
      "The SQL query; each row is a value, its columns the fields. {name} placeholders (the run's parameters) become bound parameters",
    ),
  },
  { additionalProperties: false },
);

/** The rows of a query, each an object of its columns. */
export const sqlSeries = defineSeries({
  kind: 'sql',
  title: 'SQL query',
  description: 'Runs the jobs and actions once for each row a query on a data source returns',
  configSchema: SqlConfig,
  permission: SQL_PERMISSION,
  resolve: async (config, context) => {
    const { rows } = await context.host.query(
      config.dataSource,
      config.query,
      context.placeholders,
      context.signal,
    );
    if (rows.length > MAX_SERIES_ITEMS) throw tooManyItems(`the query on '${config.dataSource}'`);
    return rows;
  },
});
