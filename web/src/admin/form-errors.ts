import { ApiError } from '../api.ts';

/** The API's message for one field (by JSON pointer), if the error names it. */
export function fieldError(error: unknown, path: string): string | undefined {
  return error instanceof ApiError ? error.issueAt(path) : undefined;
}

/**
 * The message to show for a whole form: a pointer to the fields when the API named fields the
 * form shows next to them, the API's own message otherwise.
 */
export function formError(error: unknown, shownPaths: string[]): string | null {
  if (!error) return null;
  if (!(error instanceof ApiError)) return 'The server cannot be reached.';
  if (shownPaths.some((path) => error.issueAt(path))) return 'Please correct the marked fields.';
  return error.message;
}
