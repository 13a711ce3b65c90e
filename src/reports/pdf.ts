import { once } from 'node:events';
import { createWriteStream, type WriteStream } from 'node:fs';
import { createRequire } from 'node:module';
import { pipeline } from 'node:stream/promises';
import PDFDocument from 'pdfkit';
import { formatInstant } from '../domain/placeholders.ts';
import type { QueryResult } from '../plugins/run-host.ts';
import { cellText } from './cell-text.ts';

/** How a PDF report is written. */
export interface PdfOptions {
  title: string;
  /** When the query ran (default: now). */
  queriedAt?: Date;
  /** The zone the query time is shown in; without one, as a UTC ISO instant. */
  timezone?: string;
  signal?: AbortSignal;
}

type Doc = PDFKit.PDFDocument;

const MARGIN = 36;
const FONT_SIZE = 8;
const TITLE_SIZE = 14;
const PAD_X = 3;
const PAD_Y = 2;
/** A cell shows at most this many lines; the last one ends with … when there is more. */
const MAX_CELL_LINES = 4;
/** Text beyond this many characters of a cell is cut before it is measured. */
const MAX_CELL_CHARS = 1_000;
/** Natural column widths (points) stay within these. */
const MIN_COLUMN = 24;
const MAX_COLUMN = 180;
/** Rows measured to size the columns: representative, bounded for huge reports. */
const SAMPLE_ROWS = 200;
/** Rows measured between looks at the signal (and turns for the rest of the server). */
const ROWS_PER_TURN = 200;
const FOOTER_HEIGHT = 16;
/** Word layouts pdfkit may keep per font before they are forgotten (a few MB). */
const MAX_CACHED_WORDS = 5_000;
const RULE_COLOR = '#cccccc';
const HEADER_FILL = '#f0f0f0';
const A4 = { width: 595.28, height: 841.89 } as const;

const STOPPED = 'stopped before the report was written';

/** DejaVu Sans covers Latin, Greek and Cyrillic, which the PDF standard fonts do not. */
function fontFiles(): { regular: string; bold: string } {
  const require = createRequire(import.meta.url);
  return {
    regular: require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans.ttf'),
    bold: require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans-Bold.ttf'),
  };
}

/** A cell's text as the PDF shows it: control characters as spaces, cut when very long. */
function pdfText(value: unknown): string {
  const text = cellText(value)
    .replace(/\r\n?/g, '\n')
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u0009\u000B-\u001F\u007F-\u009F]/g, ' ');
  return text.length > MAX_CELL_CHARS ? `${text.slice(0, MAX_CELL_CHARS - 1)}…` : text;
}

/** Where the table goes: its column widths, the page orientation and the row heights. */
interface Layout {
  landscape: boolean;
  pageWidth: number;
  pageHeight: number;
  widths: number[];
  tableWidth: number;
  lineHeight: number;
  headerHeight: number;
  rowHeights: Float64Array;
  /** The index of the first row of each page. */
  pageStarts: number[];
  /** Whether each column holds numbers (aligned right, as in the HTML format). */
  numeric: boolean[];
  titleHeight: number;
  /** Where the header row starts on the first page, below the title. */
  firstTop: number;
}

function naturalWidth(doc: Doc, header: string, texts: readonly string[]): number {
  doc.font('bold');
  let widest = doc.widthOfString(header.slice(0, 100));
  doc.font('regular');
  for (const text of texts) {
    for (const line of text.split('\n')) {
      widest = Math.max(widest, doc.widthOfString(line.slice(0, 100)));
      if (widest >= MAX_COLUMN) return MAX_COLUMN;
    }
  }
  return Math.min(MAX_COLUMN, Math.max(MIN_COLUMN, widest + 2 * PAD_X));
}

/** Fits widths into total: narrow columns keep theirs, wide ones share what is left equally. */
export function fitWidths(natural: readonly number[], total: number): number[] {
  const fitted = new Array<number>(natural.length).fill(0);
  const order = natural.map((width, index) => ({ width, index })).sort((a, b) => a.width - b.width);
  let left = total;
  order.forEach(({ width, index }, position) => {
    const share = left / (order.length - position);
    fitted[index] = Math.min(width, share);
    left -= fitted[index];
  });
  return fitted;
}

/** The height of one row: its tallest cell, at most MAX_CELL_LINES lines. */
function rowHeight(doc: Doc, texts: readonly string[], widths: readonly number[], line: number) {
  let tallest = line;
  texts.forEach((text, column) => {
    const inner = (widths[column] ?? MIN_COLUMN) - 2 * PAD_X;
    const simple = !text.includes('\n') && doc.widthOfString(text) <= inner;
    if (!simple) tallest = Math.max(tallest, doc.heightOfString(text, { width: inner }));
  });
  return Math.min(tallest, MAX_CELL_LINES * line) + 2 * PAD_Y;
}

function rowTexts(result: QueryResult, index: number): string[] {
  const row = result.rows[index] ?? {};
  return result.columns.map((column) => pdfText(row[column]));
}

/** What pdfkit keeps of a font it set text in (not part of its typed API). */
interface CachingFont {
  layoutCache?: Record<string, unknown>;
}

/**
 * Empties pdfkit's cache of word layouts once it is large. pdfkit keeps the layout of every
 * distinct word for the document's life, which grows without bound over a large report;
 * emptied now and then it stays small and still saves most of the work (turning it off with
 * fontLayoutCache: false makes a report three times slower).
 */
function forgetLayouts(doc: Doc): void {
  const families = (doc as unknown as { _fontFamilies?: Record<string, CachingFont> })
    ._fontFamilies;
  for (const font of Object.values(families ?? {})) {
    if (font.layoutCache && Object.keys(font.layoutCache).length > MAX_CACHED_WORDS) {
      // Without a prototype, as pdfkit makes it: a word such as "constructor" must not hit.
      font.layoutCache = Object.create(null) as Record<string, unknown>;
    }
  }
}

/** Lets the rest of the server run, and stops when the signal aborts. */
async function turn(signal: AbortSignal | undefined): Promise<void> {
  await new Promise((resolve) => setImmediate(resolve));
  if (signal?.aborted) throw new Error(STOPPED);
}

/** Measures every row (first pass), so the page count is known before page 1 is drawn. */
async function layOut(
  doc: Doc,
  result: QueryResult,
  title: string,
  signal?: AbortSignal,
): Promise<Layout> {
  doc.font('regular').fontSize(FONT_SIZE);
  const lineHeight = doc.currentLineHeight(true);
  const sample = Array.from({ length: Math.min(SAMPLE_ROWS, result.rows.length) }, (_, index) =>
    rowTexts(result, index),
  );
  const natural = result.columns.map((column, index) =>
    naturalWidth(
      doc,
      pdfText(column),
      sample.map((texts) => texts[index] ?? ''),
    ),
  );
  const wanted = natural.reduce((sum, width) => sum + width, 0);
  const landscape = wanted > A4.width - 2 * MARGIN;
  const [pageWidth, pageHeight] = landscape ? [A4.height, A4.width] : [A4.width, A4.height];
  const widths = fitWidths(natural, pageWidth - 2 * MARGIN);
  doc.font('bold');
  const headerHeight = rowHeight(doc, result.columns.map(pdfText), widths, lineHeight);
  doc.font('regular');
  const rowHeights = new Float64Array(result.rows.length);
  for (let index = 0; index < result.rows.length; index++) {
    if (index % ROWS_PER_TURN === 0) {
      forgetLayouts(doc);
      await turn(signal);
    }
    rowHeights[index] = rowHeight(doc, rowTexts(result, index), widths, lineHeight);
  }
  doc.font('bold').fontSize(TITLE_SIZE);
  const titleLine = doc.currentLineHeight(true);
  const titleWidth = { width: pageWidth - 2 * MARGIN };
  const titleHeight = Math.min(doc.heightOfString(pdfText(title), titleWidth), 2 * titleLine);
  const firstTop = MARGIN + titleHeight + 2 * lineHeight + 8;
  const tableWidth = widths.reduce((sum, width) => sum + width, 0);
  const layout = { landscape, pageWidth, pageHeight, widths, tableWidth, lineHeight, headerHeight };
  return {
    ...layout,
    rowHeights,
    numeric: numericColumns(result),
    titleHeight,
    firstTop,
    pageStarts: paginate(rowHeights, layout, firstTop),
  };
}

/** The first row of each page: rows go on while they fit above the footer. */
function paginate(
  rowHeights: Float64Array,
  layout: { pageHeight: number; headerHeight: number },
  firstTop: number,
): number[] {
  const bottom = layout.pageHeight - MARGIN - FOOTER_HEIGHT;
  const starts = [0];
  let y = firstTop + layout.headerHeight;
  rowHeights.forEach((height, index) => {
    if (y + height > bottom && index !== starts.at(-1)) {
      starts.push(index);
      y = MARGIN + layout.headerHeight;
    }
    y += height;
  });
  return starts;
}

/** Text in a box it cannot leave: wrapped to the width, cut with … below the height. */
function drawText(
  doc: Doc,
  text: string,
  box: { x: number; y: number; width: number; height: number },
  align: 'left' | 'right' = 'left',
): void {
  doc.text(text, box.x, box.y, { width: box.width, height: box.height, ellipsis: true, align });
}

function drawRow(
  doc: Doc,
  layout: Layout,
  texts: readonly string[],
  y: number,
  height: number,
  numeric: (column: number) => boolean,
): void {
  let x = MARGIN;
  texts.forEach((text, column) => {
    const width = layout.widths[column] ?? MIN_COLUMN;
    const box = {
      x: x + PAD_X,
      y: y + PAD_Y,
      width: width - 2 * PAD_X,
      height: height - 2 * PAD_Y,
    };
    drawText(doc, text, box, numeric(column) ? 'right' : 'left');
    x += width;
  });
  doc
    .moveTo(MARGIN, y + height)
    .lineTo(MARGIN + layout.tableWidth, y + height)
    .lineWidth(0.5)
    .strokeColor(RULE_COLOR)
    .stroke();
}

function drawHeader(doc: Doc, layout: Layout, columns: readonly string[], y: number): number {
  doc.rect(MARGIN, y, layout.tableWidth, layout.headerHeight).fill(HEADER_FILL);
  doc.fillColor('black').font('bold').fontSize(FONT_SIZE);
  drawRow(doc, layout, columns.map(pdfText), y, layout.headerHeight, () => false);
  doc.font('regular');
  return y + layout.headerHeight;
}

/** "Queried at 2026-03-02 09:00:00 (Europe/Zurich)", or a UTC ISO instant without a zone. */
export function queriedAtText(at: Date, timezone: string | undefined): string {
  if (!timezone) return `Queried at ${at.toISOString()}`;
  return `Queried at ${formatInstant(at, timezone, 'yyyy-MM-dd HH:mm:ss')} (${timezone})`;
}

function drawTitle(doc: Doc, layout: Layout, result: QueryResult, options: PdfOptions): void {
  const width = layout.pageWidth - 2 * MARGIN;
  doc.fillColor('black').font('bold').fontSize(TITLE_SIZE);
  drawText(doc, pdfText(options.title), {
    x: MARGIN,
    y: MARGIN,
    width,
    height: layout.titleHeight,
  });
  doc.font('regular').fontSize(FONT_SIZE + 1);
  const count = result.rows.length;
  const summary = `${count} ${count === 1 ? 'row' : 'rows'}, ${result.columns.length} columns`;
  const line = `${queriedAtText(options.queriedAt ?? new Date(), options.timezone)} · ${summary}`;
  const y = MARGIN + layout.titleHeight + 4;
  drawText(doc, line, { x: MARGIN, y, width, height: layout.lineHeight * 2 });
  doc.fontSize(FONT_SIZE);
}

function drawFooter(doc: Doc, layout: Layout, title: string, page: number, pages: number) {
  const y = layout.pageHeight - MARGIN - FOOTER_HEIGHT + 6;
  const half = (layout.pageWidth - 2 * MARGIN) / 2;
  const height = layout.lineHeight;
  doc.fillColor('#555555').font('regular').fontSize(FONT_SIZE);
  drawText(doc, pdfText(title), { x: MARGIN, y, width: half - 10, height });
  drawText(doc, `Page ${page} of ${pages}`, { x: MARGIN + half, y, width: half, height }, 'right');
  doc.fillColor('black');
}

/** Whether a column holds numbers in the first rows (they are then aligned right, as in HTML). */
function numericColumns(result: QueryResult): boolean[] {
  const sample = result.rows.slice(0, SAMPLE_ROWS);
  return result.columns.map((column) => {
    const values = sample.map((row) => row[column]).filter((value) => value != null);
    return (
      values.length > 0 &&
      values.every((value) => typeof value === 'number' || typeof value === 'bigint')
    );
  });
}

/** Draws one page: the title on the first, the header row, its rows and the footer. */
function drawPage(
  doc: Doc,
  layout: Layout,
  result: QueryResult,
  options: PdfOptions,
  page: number,
) {
  doc.addPage({
    size: 'A4',
    layout: layout.landscape ? 'landscape' : 'portrait',
    margins: { top: MARGIN, bottom: 0, left: MARGIN, right: MARGIN },
  });
  if (page === 0) drawTitle(doc, layout, result, options);
  let y = drawHeader(doc, layout, result.columns, page === 0 ? layout.firstTop : MARGIN);
  const first = layout.pageStarts[page] ?? 0;
  const end = layout.pageStarts[page + 1] ?? result.rows.length;
  for (let index = first; index < end; index++) {
    const height = layout.rowHeights[index] ?? 0;
    const numeric = (column: number) => layout.numeric[column] === true;
    drawRow(doc, layout, rowTexts(result, index), y, height, numeric);
    y += height;
  }
  if (result.rows.length === 0) {
    drawText(doc, 'No rows', {
      x: MARGIN + PAD_X,
      y: y + PAD_Y,
      width: 200,
      height: layout.lineHeight,
    });
  }
  drawFooter(doc, layout, options.title, page + 1, layout.pageStarts.length);
}

/** Waits while the file is behind, so that at most about a page waits in memory. */
async function keepUp(file: WriteStream, written: Promise<void>, signal?: AbortSignal) {
  if (file.writableNeedDrain) await Promise.race([once(file, 'drain'), written]);
  await turn(signal);
}

/**
 * Writes the rows as a PDF table, streamed to the file page by page: a title, the query time
 * and row count, the header row on every page, "Page n of N" at the foot, landscape when the
 * columns need it, every cell wrapped to its column and cut with … after a few lines. Text is
 * set in DejaVu Sans (Latin, Greek, Cyrillic and more).
 */
export async function writePdf(
  result: QueryResult,
  path: string,
  options: PdfOptions,
): Promise<void> {
  if (options.signal?.aborted) throw new Error(STOPPED);
  const fonts = fontFiles();
  const doc = new PDFDocument({
    autoFirstPage: false,
    info: { Title: options.title, Creator: 'Task Planner' },
    displayTitle: true,
  });
  doc.registerFont('regular', fonts.regular);
  doc.registerFont('bold', fonts.bold);
  const file = createWriteStream(path);
  const written = pipeline(doc, file);
  try {
    const layout = await layOut(doc, result, options.title, options.signal);
    for (let page = 0; page < layout.pageStarts.length; page++) {
      drawPage(doc, layout, result, options, page);
      forgetLayouts(doc);
      await keepUp(file, written, options.signal);
    }
    doc.end();
    await written;
  } catch (error) {
    doc.destroy();
    await written.catch(() => undefined);
    throw error;
  }
}
