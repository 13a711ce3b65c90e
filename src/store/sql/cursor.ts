import { validationError } from '../../domain/errors.ts';

/** The position after the last item of a page: its sort value and id. */
export interface CursorPosition {
  value: string | number;
  id: string;
}

/** Encodes a position as an opaque URL-safe string. */
export function encodeCursor(position: CursorPosition): string {
  return Buffer.from(JSON.stringify([position.value, position.id])).toString('base64url');
}

/** Decodes a cursor a client sent back, rejecting anything this server did not make. */
export function decodeCursor(cursor: string, valueType: 'string' | 'number'): CursorPosition {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(parsed) && parsed.length === 2) {
      const [value, id] = parsed as unknown[];
      if (typeof value === valueType && typeof id === 'string') {
        return { value: value as string | number, id };
      }
    }
  } catch {
    // fall through to the validation error
  }
  throw validationError([{ path: '/cursor', message: 'is not a cursor this listing returned' }]);
}

/** Cuts a page of limit items from rows fetched with limit + 1, and makes the next cursor. */
export function toPage<Row, Item>(
  rows: Row[],
  limit: number,
  toItem: (row: Row) => Item,
  positionOf: (row: Row) => CursorPosition,
): { items: Item[]; nextCursor: string | null } {
  const pageRows = rows.slice(0, limit);
  const last = pageRows[pageRows.length - 1];
  const nextCursor = rows.length > limit && last ? encodeCursor(positionOf(last)) : null;
  return { items: pageRows.map(toItem), nextCursor };
}

/** Escapes a user's text for use inside a LIKE pattern with ESCAPE '\'. */
export function likeContains(text: string): string {
  return `%${text.replace(/[\\%_]/g, (char) => `\\${char}`)}%`;
}
