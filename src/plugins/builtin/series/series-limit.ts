/** The most values a series source may give: each one runs the task's jobs and actions. */
export const MAX_SERIES_ITEMS = 10_000;

/** The error for a source that gives more values than a series may have. */
export function tooManyItems(what: string): Error {
  return new Error(
    `${what} gives more than ${MAX_SERIES_ITEMS} values; a series has at most ${MAX_SERIES_ITEMS}`,
  );
}
