import { join } from 'node:path';
import { Type, type Static } from '@sinclair/typebox';
import type { FieldIssue } from '../../../domain/errors.ts';
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
      [
        Type.Literal('csv', { title: 'CSV' }),
        Type.Literal('xlsx', { title: 'Excel (XLSX)' }),
        Type.Literal('json', { title: 'JSON' }),
        Type.Literal('html', { title: 'HTML table' }),
        Type.Literal('pdf', { title: 'PDF table' }),
        Type.Literal('html-encrypted', { title: 'HTML table, encrypted with a password' }),
      ],
      {
        default: 'csv',
        description:
          'The file format: CSV, Excel workbook, JSON, HTML table, PDF table, or an HTML table encrypted with a password (html-encrypted)',
      },
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
      showWhen: { format: ['xlsx'] },
    }),
    bom: Type.Boolean({
      default: false,
      title: 'Byte order mark (BOM)',
      description: 'Starts the file with a UTF-8 byte order mark, for Excel',
      showWhen: { format: ['csv'] },
    }),
    password: Type.String({
      maxLength: 1000,
      default: '',
      secret: true,
      description:
        'html-encrypted only: the password the recipient types to open the report (at least 8 characters); give it to them another way than the file',
      showWhen: { format: ['html-encrypted'] },
    }),
  },
  { additionalProperties: false },
);

type SqlReportConfig = Static<typeof SqlReportConfig>;

/** The shortest password the html-encrypted format takes. */
const MIN_PASSWORD_LENGTH = 8;

/** The encrypted format needs its password; the others take none. */
function checkPassword(config: SqlReportConfig, path: string): FieldIssue[] {
  if (config.format !== 'html-encrypted') return [];
  if (config.password.length >= MIN_PASSWORD_LENGTH) return [];
  const message =
    config.password === ''
      ? 'give a password: the html-encrypted format encrypts the report with it'
      : `the password needs at least ${MIN_PASSWORD_LENGTH} characters`;
  return [{ path: `${path}/password`, message }];
}

/**
 * What the job's condition asks of the row count: {hasRows: true} makes the file valid only
 * with at least one row, {hasRows: false} only with none; null when it does not ask. An
 * "expression" beside it is the engine's to evaluate (condition-expression.ts).
 */
export function wantsRows(condition: JobContext['condition']): boolean | null {
  if (condition === null) return null;
  const { hasRows, expression: _expression, ...others } = condition;
  const asked = typeof hasRows === 'boolean' || Object.hasOwn(condition, 'expression');
  if (
    Object.keys(others).length > 0 ||
    (hasRows !== undefined && typeof hasRows !== 'boolean') ||
    !asked
  ) {
    throw new Error(
      `sql-report does not know the condition ${JSON.stringify(condition)}: use {"hasRows": true}, {"hasRows": false} or {"expression": "rows > 0"}`,
    );
  }
  return typeof hasRows === 'boolean' ? hasRows : null;
}

/**
 * Runs a query on a data source and writes its rows into a CSV, Excel, JSON, HTML, PDF or
 * password-encrypted HTML file.
 */
export const sqlReportJob = defineJob({
  kind: 'sql-report',
  title: 'SQL report',
  description:
    'Runs a query on a data source and writes the rows into a CSV, Excel, JSON, HTML, PDF or password-encrypted HTML file',
  configSchema: SqlReportConfig,
  permission: SQL_PERMISSION,
  produces: ['file'],
  check: checkPassword,
  run: async (config, context) => {
    const wanted = wantsRows(context.condition);
    const queriedAt = context.now();
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
      queriedAt,
      timezone: context.task.timezone,
      password: config.password,
      signal: context.signal,
    });
    context.output('rows', rows);
    context.output('columns', result.columns.join(', '));
    return [{ type: 'file', name, path, mediaType, valid }];
  },
});
