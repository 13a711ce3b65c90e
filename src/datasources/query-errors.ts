/**
 * The errors a data-source query ends with, worded for the task's owner: they show as the
 * component's message in the run.
 */

/** The query gave more rows than a report or series may hold. */
export function tooManyRows(maxRows: number): Error {
  return new Error(`the query returned more than ${maxRows} rows; narrow it down`);
}

/** The text held more than one statement: a second one could end the read-only transaction. */
export function notOneStatement(): Error {
  return new Error("the query must be one statement: remove the ';' and what follows it");
}

/** The statement changes or defines something instead of reading rows. */
export function notRows(): Error {
  return new Error('the query must return rows (a SELECT)');
}

/**
 * The run stopped (timed out, canceled, interrupted) while the query ran; where says what
 * was stopped, e.g. "on the server" when the database itself was told to stop.
 */
export function stoppedQuery(signal: AbortSignal, where: string): Error {
  const stopped = `the query was stopped ${where}`.trimEnd();
  switch (signal.reason) {
    case 'timed-out':
      return new Error(
        `the query ran longer than the task's time-out and was stopped ${where}`.trimEnd(),
      );
    case 'canceled':
      return new Error(`the run was canceled, so ${stopped}`);
    default:
      return new Error(`the run was stopped, so ${stopped}`);
  }
}

/** The run stopped before the query was sent. */
export function notStarted(): Error {
  return new Error('the run was stopped before the query started');
}
