import type pg from 'pg';

/**
 * Asks the server what a statement would return without running it: Parse, Describe and Sync
 * of the extended protocol, with no Bind or Execute, so COPY, SET, DO and the like are parsed
 * but never carried out. Passed to `client.query()` as a submittable, the way pg-cursor is,
 * so the client routes the server's answers here and keeps its queue in order.
 */
class DescribeStatement implements pg.Submittable {
  private columns: string[] | undefined;
  private settled = false;

  constructor(
    private readonly text: string,
    private readonly resolve: (columns: string[] | undefined) => void,
    private readonly reject: (error: unknown) => void,
  ) {}

  submit(connection: pg.Connection): void {
    // The unnamed statement, as the cursor's own Parse replaces it right after.
    connection.parse({ name: '', text: this.text, types: [] }, true);
    connection.describe({ type: 'S', name: '' }, true);
    connection.sync();
  }

  /** The statement gives rows: the server described their columns. */
  handleRowDescription(message: { fields: { name: string }[] }): void {
    this.columns = message.fields.map((field) => field.name);
  }

  /** A syntax error, an unknown table, a second statement, or the connection failed. */
  handleError(error: unknown): void {
    if (this.settled) return;
    this.settled = true;
    this.reject(error);
  }

  /**
   * The server answered everything. No RowDescription means NoData: the answer is read as
   * "no rows" unless the server said otherwise, so a message we missed cannot let one through.
   */
  handleReadyForQuery(): void {
    if (this.settled) return;
    this.settled = true;
    this.resolve(this.columns);
  }
}

/**
 * The names of the columns the statement returns, or undefined when it returns none (COPY,
 * SET, DO, COMMIT): found out without executing it. Parameters keep the types the server
 * infers, as for the Parse that then runs it.
 */
export function describeColumns(client: pg.Client, sql: string): Promise<string[] | undefined> {
  return new Promise((resolve, reject) => {
    client.query(new DescribeStatement(sql, resolve, reject));
  });
}
