import type mysql from 'mysql2';

/** The part of mysql2's prepared statement read here: its typings leave `columns` out. */
interface PreparedStatement {
  columns: mysql.FieldPacket[];
}

/** mysql2's prepare() as it is: its typings know only the form that takes bare SQL. */
interface Preparing {
  prepare(
    options: { sql: string; rowsAsArray: true },
    callback: (error: Error | null, statement: PreparedStatement) => void,
  ): unknown;
}

/**
 * Prepares the statement, which parses it without running it, and gives the names of the
 * columns its result has: none for SET, DO, CALL, COMMIT, and for SELECT … INTO (OUTFILE,
 * DUMPFILE or variables), which sends its rows elsewhere rather than back. The options are
 * those `execute({ sql, rowsAsArray: true })` takes, so that execute() finds this statement
 * in the connection's cache and runs it instead of preparing the text again.
 */
export function describeColumns(connection: mysql.Connection, sql: string): Promise<string[]> {
  const preparing = connection as unknown as Preparing;
  return new Promise((resolve, reject) => {
    preparing.prepare({ sql, rowsAsArray: true }, (error, statement) => {
      if (error) reject(error);
      else resolve(statement.columns.map((column) => column.name));
    });
  });
}
