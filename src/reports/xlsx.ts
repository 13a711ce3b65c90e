import ExcelJS from 'exceljs';
import type { QueryResult } from '../plugins/run-host.ts';
import { cellText } from './cell-text.ts';

/** Excel's own limits: a sheet's rows and columns, and the text one cell holds. */
export const XLSX_LIMITS = { rows: 1_048_576, columns: 16_384, cellText: 32_767 } as const;

/** How an XLSX report is written. */
export interface XlsxOptions {
  /** The worksheet's name; characters Excel forbids are replaced, and it is cut to 31. */
  sheetName: string;
  signal?: AbortSignal;
}

type CellValue = string | number | boolean | Date | null;

const DATE_TIME_FORMAT = 'yyyy-mm-dd hh:mm:ss';
const DATE_FORMAT = 'yyyy-mm-dd';
/** Rows read to size the columns: enough to be representative, bounded for huge reports. */
const ROWS_FOR_WIDTHS = 1000;
/** Rows written between looks at the signal. */
const ROWS_PER_CHECK = 500;

/** Characters XML 1.0 cannot hold: a workbook with one of them does not open. */
// eslint-disable-next-line no-control-regex
const NOT_IN_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g;

/** Text as a cell can hold it: Excel's line breaks, and a visible mark for what XML cannot carry. */
function excelText(text: string): string {
  return text.replace(/\r\n?/g, '\n').replace(NOT_IN_XML, '\uFFFD');
}

/** A name Excel accepts for a sheet: no []:*?/\, not starting or ending with ', at most 31. */
export function excelSheetName(name: string): string {
  const cleaned = excelText(name)
    .replace(/[[\]:*?/\\\n]/g, '_')
    .replace(/^'+|'+$/g, '')
    .trim()
    .slice(0, 31)
    .trim();
  return cleaned === '' ? 'Sheet1' : cleaned;
}

/** A cell as Excel holds it: numbers as numbers, dates as dates, anything else as text. */
function excelValue(value: unknown): CellValue {
  if (value === null || value === undefined) return null;
  if (typeof value === 'number') return Number.isFinite(value) ? value : String(value);
  if (typeof value === 'boolean') return value;
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value;
  if (typeof value === 'bigint') {
    return Number.isSafeInteger(Number(value)) ? Number(value) : value.toString();
  }
  return excelText(cellText(value));
}

/** Whether a date falls on midnight UTC, i.e. is a plain date (shown without a time). */
function isPlainDate(date: Date): boolean {
  return date.getTime() % 86_400_000 === 0;
}

function displayLength(value: CellValue): number {
  if (value instanceof Date) return isPlainDate(value) ? 10 : 19;
  if (value === null) return 0;
  return Math.max(
    ...String(value)
      .split('\n')
      .map((line) => line.length),
  );
}

/** Refuses what Excel could not open, naming the row and column; nothing is written then. */
function checkLimits(result: QueryResult): void {
  if (result.rows.length + 1 > XLSX_LIMITS.rows) {
    throw new Error(
      `${result.rows.length} rows do not fit in an Excel sheet (at most ${XLSX_LIMITS.rows - 1} below the header); choose CSV`,
    );
  }
  if (result.columns.length > XLSX_LIMITS.columns) {
    throw new Error(
      `${result.columns.length} columns do not fit in an Excel sheet (at most ${XLSX_LIMITS.columns})`,
    );
  }
  result.rows.forEach((row, index) => {
    for (const column of result.columns) {
      const value = excelValue(row[column]);
      if (typeof value === 'string' && value.length > XLSX_LIMITS.cellText) {
        throw new Error(
          `row ${index + 1}, column '${column}': ${value.length} characters are more than an Excel cell holds (${XLSX_LIMITS.cellText})`,
        );
      }
    }
  });
}

/** Column widths in characters from the header and the first rows, between 8 and 60. */
function columnWidths(result: QueryResult): number[] {
  const sample = result.rows.slice(0, ROWS_FOR_WIDTHS);
  return result.columns.map((column) => {
    const longest = sample.reduce(
      (most, row) => Math.max(most, displayLength(excelValue(row[column]))),
      column.length,
    );
    return Math.min(60, Math.max(8, longest + 2));
  });
}

function addRow(sheet: ExcelJS.Worksheet, values: CellValue[]): void {
  const row = sheet.addRow(values);
  values.forEach((value, index) => {
    if (value instanceof Date) {
      row.getCell(index + 1).numFmt = isPlainDate(value) ? DATE_FORMAT : DATE_TIME_FORMAT;
    }
  });
  row.commit();
}

/**
 * Writes the rows as an Excel workbook of one sheet, streamed to the file: a bold, frozen
 * header row, columns sized to their content, numbers as numbers and dates as Excel dates
 * (in UTC, as the database gave the instant).
 */
export async function writeXlsx(
  result: QueryResult,
  path: string,
  options: XlsxOptions,
): Promise<void> {
  checkLimits(result);
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({
    filename: path,
    useStyles: true,
    useSharedStrings: false,
  });
  const sheet = workbook.addWorksheet(excelSheetName(options.sheetName), {
    views: [{ state: 'frozen', ySplit: 1 }],
  });
  const widths = columnWidths(result);
  sheet.columns = result.columns.map((_, index) => ({ width: widths[index] ?? 8 }));
  const header = sheet.addRow(result.columns.map(excelText));
  header.font = { bold: true };
  header.commit();
  let stopped = false;
  for (const [index, row] of result.rows.entries()) {
    if (index % ROWS_PER_CHECK === 0 && options.signal?.aborted) {
      stopped = true;
      break;
    }
    addRow(
      sheet,
      result.columns.map((column) => excelValue(row[column])),
    );
  }
  sheet.commit();
  // Committed even when stopped, so the file is closed and nothing is left open.
  await workbook.commit();
  if (stopped) throw new Error('stopped before the report was written');
}
