import { validationError } from '../../domain/errors.ts';

/** The position after the last item of a page: its sort value and id. */
export interface CursorPosition {
  value: string | number;
  id: string;
}

/**
 * Encodes a position as an opaque URL-safe string. The scope names the listing and its
 * order (e.g. "tasks:name:asc"), so a cursor cannot be replayed against another order.
 */
export function encodeCursor(scope: string, position: CursorPosition): string {
  return Buffer.from(JSON.stringify([scope, position.value, position.id])).toString('base64url');
}

/** Whether the value is a text a listing can have made: PostgreSQL text never holds a NUL. */
const isStoredText = (value: unknown): value is string =>
  typeof value === 'string' && !value.includes('\u0000');

function isValue(value: unknown, valueType: 'string' | 'number'): value is string | number {
  return valueType === 'number' ? Number.isSafeInteger(value) : isStoredText(value);
}

/** Decodes a cursor a client sent back, rejecting anything this listing did not make. */
export function decodeCursor(
  cursor: string,
  scope: string,
  valueType: 'string' | 'number',
): CursorPosition {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(parsed) && parsed.length === 3) {
      const [madeFor, value, id] = parsed as unknown[];
      if (madeFor === scope && isValue(value, valueType) && isStoredText(id)) return { value, id };
    }
  } catch {
    // fall through to the validation error
  }
  throw validationError([
    { in: 'query', path: '/cursor', message: 'is not a cursor this listing returned' },
  ]);
}

/** Cuts a page of limit items from rows fetched with limit + 1, and makes the next cursor. */
export function toPage<Row, Item>(
  rows: Row[],
  limit: number,
  toItem: (row: Row) => Item,
  cursorOf: { scope: string; positionOf: (row: Row) => CursorPosition },
): { items: Item[]; nextCursor: string | null } {
  const pageRows = rows.slice(0, limit);
  const last = pageRows[pageRows.length - 1];
  const nextCursor =
    rows.length > limit && last ? encodeCursor(cursorOf.scope, cursorOf.positionOf(last)) : null;
  return { items: pageRows.map(toItem), nextCursor };
}

/** Escapes a user's text for use inside a LIKE pattern with ESCAPE '\'. */
export function likeContains(text: string): string {
  return `%${text.replace(/[\\%_]/g, (char) => `\\${char}`)}%`;
}
