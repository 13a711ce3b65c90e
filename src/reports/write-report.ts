import type { QueryResult } from '../plugins/run-host.ts';
import { writeCsv } from './csv.ts';
import { writeEncryptedHtml } from './encrypted-html.ts';
import { writeHtml } from './html.ts';
import { writeJson } from './json.ts';
import { writePdf } from './pdf.ts';
import { writeXlsx } from './xlsx.ts';

/** The file formats a query result can be written in. */
export type ReportFormat = 'csv' | 'xlsx' | 'json' | 'html' | 'pdf' | 'html-encrypted';

/** Each format's file extension and media type. */
export const REPORT_FORMATS: Readonly<
  Record<ReportFormat, { extension: string; mediaType: string }>
> = {
  csv: { extension: '.csv', mediaType: 'text/csv; charset=utf-8' },
  xlsx: {
    extension: '.xlsx',
    mediaType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  },
  json: { extension: '.json', mediaType: 'application/json' },
  html: { extension: '.html', mediaType: 'text/html; charset=utf-8' },
  pdf: { extension: '.pdf', mediaType: 'application/pdf' },
  'html-encrypted': { extension: '.html', mediaType: 'text/html; charset=utf-8' },
};

/**
 * What the formats may use: a title (HTML, PDF), a sheet name (XLSX), a byte order mark (CSV),
 * when the query ran and the zone to show it in (PDF), a password (encrypted HTML).
 */
export interface ReportOptions {
  title: string;
  sheetName: string;
  bom: boolean;
  queriedAt?: Date;
  timezone?: string;
  password?: string;
  signal?: AbortSignal;
}

/** Writes a query result to path in a format. */
export async function writeReport(
  result: QueryResult,
  format: ReportFormat,
  path: string,
  options: ReportOptions,
): Promise<void> {
  const signal = options.signal ? { signal: options.signal } : {};
  switch (format) {
    case 'csv':
      return writeCsv(result, path, { bom: options.bom, ...signal });
    case 'xlsx':
      return writeXlsx(result, path, { sheetName: options.sheetName, ...signal });
    case 'json':
      return writeJson(result, path, options.signal);
    case 'html':
      return writeHtml(result, path, { title: options.title, ...signal });
    case 'pdf':
      return writePdf(result, path, {
        title: options.title,
        ...(options.queriedAt ? { queriedAt: options.queriedAt } : {}),
        ...(options.timezone ? { timezone: options.timezone } : {}),
        ...signal,
      });
    case 'html-encrypted':
      return writeEncryptedHtml(result, path, {
        title: options.title,
        password: options.password ?? '',
        ...signal,
      });
  }
}
