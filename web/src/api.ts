/** An RFC 9457 problem the API answered with, and its field issues. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly issues: ReadonlyArray<{ path: string; message: string }> = [],
  ) {
    super(message);
  }

  /** The message for one field (by JSON pointer), if the API named it. */
  issueAt(path: string): string | undefined {
    return this.issues.find((issue) => issue.path === path || issue.path.startsWith(`${path}/`))
      ?.message;
  }
}

let csrfToken: string | null = null;

/** Remembers the session's CSRF token, sent with every request that changes something. */
export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

async function problemOf(response: Response): Promise<ApiError> {
  const body = (await response.json().catch(() => ({}))) as {
    detail?: string;
    title?: string;
    code?: string;
    errors?: Array<{ path: string; message: string }>;
  };
  return new ApiError(
    response.status,
    body.code ?? 'ERROR',
    body.detail ?? body.title ?? response.statusText,
    body.errors ?? [],
  );
}

/**
 * Calls the API as the logged-in browser session; resolves to the JSON body (or null). Aborting
 * the signal gives up on the answer (and the server sees the request go).
 */
export async function api<T>(
  method: string,
  path: string,
  body?: unknown,
  signal?: AbortSignal,
): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && csrfToken) headers['x-csrf-token'] = csrfToken;
  const response = await fetch(`/api/v1${path}`, {
    method,
    headers,
    credentials: 'same-origin',
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    ...(signal ? { signal } : {}),
  });
  if (!response.ok) throw await problemOf(response);
  if (response.status === 204) return null as T;
  return (await response.json()) as T;
}

/** Query-string parameters, leaving out empty ones. */
export function query(params: Record<string, string | number | undefined | null>): string {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== '') search.set(name, String(value));
  }
  const text = search.toString();
  return text === '' ? '' : `?${text}`;
}
