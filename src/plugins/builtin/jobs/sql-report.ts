import { join } from 'node:path';
import { Type } from '@sinclair/typebox';
import { REPORT_FORMATS, writeReport, type ReportFormat } from '../../../reports/write-report.ts';
import { defineJob } from '../../define-kind.ts';
import type { JobContext } from '../../run-context.ts';
import { DataSourceField, QueryField, SQL_PERMISSION } from '../sql-fields.ts';
import { reportFileName } from './report-file.ts';

const SqlReportConfig = Type.Object(
  {
    dataSource: DataSourceField,
    query: QueryField(
      'The SQL query; {name} placeholders become bound parameters, never text pasted into the SQL',
    ),
    format: Type.Union(
      [Type.Literal('csv'), Type.Literal('xlsx'), Type.Literal('json'), Type.Literal('html')],
      { default: 'csv', description: 'The file format: CSV, Excel workbook, JSON or HTML table' },
    ),
    fileName: Type.String({
      minLength: 1,
      maxLength: 200,
      default: '{task.name}',
      description: "The file's name, placeholders filled; the format's extension is added",
    }),
    sheetName: Type.String({
      minLength: 1,
      maxLength: 100,
      default: '{task.name}',
      description: "Excel only: the worksheet's name, placeholders filled",
    }),
    bom: Type.Boolean({
      default: false,
      description: 'CSV only: start the file with a byte order mark, so Excel reads it as UTF-8',
    }),
  },
  { additionalProperties: false },
);

/**
 * What the job's condition asks of the row count: {hasRows: true} makes the file valid only
 * with at least one row, {hasRows: false} only with none; null when there is no condition.
 */
export function wantsRows(condition: JobContext['condition']): boolean | null {
  if (condition === null) return null;
  const others = Object.keys(condition).filter((key) => key !== 'hasRows');
  if (others.length > 0 || typeof condition.hasRows !== 'boolean') {
    throw new Error(
      `sql-report does not know the condition ${JSON.stringify(condition)}: use {"hasRows": true} or {"hasRows": false}`,
    );
  }
  return condition.hasRows;
}

/** Runs a query on a data source and writes its rows into a CSV, Excel, JSON or HTML file. */
export const sqlReportJob = defineJob({
  kind: 'sql-report',
  title: 'SQL report',
  description:
    'Runs a query on a data source and writes the rows into a CSV, Excel, JSON or HTML file',
  configSchema: SqlReportConfig,
  permission: SQL_PERMISSION,
  produces: ['file'],
  run: async (config, context) => {
    const wanted = wantsRows(context.condition);
    const result = await context.host.query(
      config.dataSource,
      config.query,
      context.placeholders,
      context.signal,
    );
    const rows = result.rows.length;
    context.log.info(
      `query on '${config.dataSource}': ${rows} rows, ${result.columns.length} columns`,
    );
    const valid = wanted === null || wanted === rows > 0;
    const format: ReportFormat = config.format;
    const { extension, mediaType } = REPORT_FORMATS[format];
    const name = reportFileName(config.fileName, extension);
    const path = join(await context.workDir(), name);
    await writeReport(result, format, path, {
      title: context.task.name,
      sheetName: config.sheetName,
      bom: config.bom,
      signal: context.signal,
    });
    context.output('rows', rows);
    context.output('columns', result.columns.join(', '));
    return [{ type: 'file', name, path, mediaType, valid }];
  },
});
