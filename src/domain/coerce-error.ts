/**
 * Any thrown value as an Error: an Error as it is; anything else (a string, an object a library
 * rejected with) wrapped, with its text as the message and the value as the cause.
 */
export function coerceError(thrown: unknown): Error {
  if (thrown instanceof Error) return thrown;
  const text = typeof thrown === 'string' ? thrown : describe(thrown);
  return new Error(text, { cause: thrown });
}

function describe(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

/**
 * An error for the server's log: its stack (or message), then each cause's, so nothing of why
 * it failed is lost. Causes are followed to a depth of 5 (a cycle ends there too).
 */
export function errorDetails(thrown: unknown): string {
  const lines: string[] = [];
  let current: unknown = thrown;
  for (let depth = 0; depth < 5 && current !== undefined; depth++) {
    const error = coerceError(current);
    lines.push(`${depth === 0 ? '' : 'caused by: '}${error.stack ?? error.message}`);
    current = error.cause === current ? undefined : error.cause;
    if (!(current instanceof Error) && depth > 0) break;
  }
  return lines.join('\n');
}
