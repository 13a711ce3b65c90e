import type { QueryResult } from '../plugins/run-host.ts';
import { cellText } from './cell-text.ts';
import { writeChunks } from './write-lines.ts';

const ENTITIES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Text made safe to place in HTML content or a quoted attribute. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => ENTITIES[char] ?? char);
}

/** The report's style sheet (the encrypted format's page carries it too). */
export const REPORT_STYLE = [
  'body{font-family:system-ui,sans-serif;margin:1.5rem}',
  'table{border-collapse:collapse}',
  'th,td{border:1px solid #ccc;padding:.25rem .5rem;text-align:left;vertical-align:top;white-space:pre-wrap}',
  'th{background:#f0f0f0}',
  'td.number{text-align:right}',
].join('');

function cell(value: unknown): string {
  const numeric = typeof value === 'number' || typeof value === 'bigint';
  return `<td${numeric ? ' class="number"' : ''}>${escapeHtml(cellText(value))}</td>`;
}

/** The report as a complete HTML document, in chunks (a row at a time). */
export function* htmlDocument(result: QueryResult, title: string): Generator<string> {
  yield '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n';
  yield `<title>${escapeHtml(title)}</title>\n<style>${REPORT_STYLE}</style>\n</head>\n<body>\n`;
  yield `<h1>${escapeHtml(title)}</h1>\n<table>\n<thead>\n<tr>`;
  yield result.columns.map((column) => `<th>${escapeHtml(column)}</th>`).join('');
  yield '</tr>\n</thead>\n<tbody>\n';
  for (const row of result.rows) {
    yield `<tr>${result.columns.map((column) => cell(row[column])).join('')}</tr>\n`;
  }
  const count = result.rows.length;
  yield `</tbody>\n</table>\n<p>${count} ${count === 1 ? 'row' : 'rows'}</p>\n</body>\n</html>\n`;
}

/** Writes the rows as a complete HTML document with one table; every value is escaped. */
export async function writeHtml(
  result: QueryResult,
  path: string,
  options: { title: string; signal?: AbortSignal },
): Promise<void> {
  await writeChunks(path, htmlDocument(result, options.title), options.signal);
}
