/** One place that lists every error code the service can answer with. */
export const ERROR_CODES = {
  VALIDATION_FAILED: { status: 400, title: 'The request is not valid' },
  UNKNOWN_COMPONENT_KIND: { status: 400, title: 'Unknown component kind' },
  UNAUTHENTICATED: { status: 401, title: 'Authentication is required' },
  INVALID_CREDENTIALS: { status: 401, title: 'Login or password is wrong' },
  FORBIDDEN: { status: 403, title: 'You may not do this' },
  CSRF_TOKEN_INVALID: { status: 403, title: 'Missing or wrong CSRF token' },
  PASSWORD_CHANGE_REQUIRED: { status: 403, title: 'Change your password first' },
  NOT_FOUND: { status: 404, title: 'Not found' },
  REVISION_CONFLICT: { status: 409, title: 'The object was changed by someone else' },
  LOGIN_TAKEN: { status: 409, title: 'This login is already taken' },
  NAME_TAKEN: { status: 409, title: 'This name is already taken' },
  USER_OWNS_TASKS: { status: 409, title: 'The user still owns tasks' },
  RUN_ENDED: { status: 409, title: 'The run has already ended' },
  MAIL_NOT_WAITING: { status: 409, title: 'The message is not waiting for delivery' },
  PASSWORD_IN_DIRECTORY: { status: 409, title: 'The password is kept in the directory' },
  LOGIN_IN_DIRECTORY: { status: 409, title: 'The login is kept in the directory' },
  LIMIT_REACHED: { status: 409, title: 'A limit of this server is reached' },
  BODY_TOO_LARGE: { status: 413, title: 'The request body is too large' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, title: 'Unsupported content type' },
  SCHEDULE_TOO_COMPLEX: { status: 422, title: 'The schedule needs too much work to compute' },
  REVISION_REQUIRED: { status: 428, title: 'The current revision is required' },
  TOO_MANY_ATTEMPTS: { status: 429, title: 'Too many attempts' },
  TOO_MANY_RUNS: { status: 429, title: 'Too many runs started in the last minute' },
  TOO_MANY_UNSAVED_RUNS: { status: 429, title: 'Too many unsaved runs going at once' },
  INTERNAL: { status: 500, title: 'Internal error' },
  STORE_UNAVAILABLE: { status: 503, title: 'The store is not reachable' },
  DIRECTORY_UNAVAILABLE: { status: 503, title: 'The LDAP directory cannot be used' },
} as const;

/** A stable, documented error code. */
export type ErrorCode = keyof typeof ERROR_CODES;

/** One problem with one field of the input, named by its JSON pointer. */
export interface FieldIssue {
  /** Where the field is: in the body (the default), the query string, a header or the path. */
  in?: 'body' | 'query' | 'header' | 'path';
  path: string;
  message: string;
}

/** An error meant for the caller: it carries a stable code and a safe message. */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly issues: readonly FieldIssue[];
  readonly headers: Readonly<Record<string, string>>;

  constructor(
    code: ErrorCode,
    detail: string,
    options: {
      issues?: readonly FieldIssue[];
      headers?: Record<string, string>;
      /** What went wrong underneath, for the server's log only. */
      cause?: unknown;
    } = {},
  ) {
    super(detail, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AppError';
    this.code = code;
    this.status = ERROR_CODES[code].status;
    this.issues = options.issues ?? [];
    this.headers = options.headers ?? {};
  }
}

/** A validation error naming every offending field. */
export function validationError(issues: readonly FieldIssue[]): AppError {
  const first = issues[0];
  const detail = first ? `${first.path || '/'}: ${first.message}` : 'The input is not valid';
  return new AppError('VALIDATION_FAILED', detail, { issues });
}

/** The answer for an object the caller may not see: it does not exist for them. */
export function notFound(what: string): AppError {
  return new AppError('NOT_FOUND', `${what} not found`);
}

/** The same validation error with every field path placed under a prefix, e.g. '/schedule'. */
export function underPath(error: AppError, prefix: string): AppError {
  return validationError(
    error.issues.map((issue) => ({ ...issue, path: `${prefix}${issue.path}` })),
  );
}
