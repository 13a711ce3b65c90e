import { tooManyRows } from './query-errors.ts';

/** Reports larger than this are refused rather than filling the memory. */
export const MAX_ROWS = 500_000;

/**
 * Turns rows arriving as arrays of values into records named by their columns, and refuses
 * the row past the cap as it arrives, so a huge result never sits in memory whole.
 */
export class RowCollector {
  readonly rows: Record<string, unknown>[] = [];
  /** The names of the result's columns, known before its first row. */
  columns: string[] = [];

  constructor(readonly maxRows: number = MAX_ROWS) {}

  /** How many more rows to fetch at most: the cap, plus one to tell a full result from more. */
  wanted(batch: number): number {
    return Math.min(batch, this.maxRows + 1 - this.rows.length);
  }

  /** Adds rows; throws the cap's error once there are more than maxRows. */
  add(batch: readonly unknown[][]): void {
    for (const values of batch) {
      if (this.rows.length >= this.maxRows) throw tooManyRows(this.maxRows);
      this.rows.push(Object.fromEntries(this.columns.map((name, index) => [name, values[index]])));
    }
  }
}
