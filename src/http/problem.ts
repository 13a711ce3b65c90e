import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { AppError, ERROR_CODES, type ErrorCode, type FieldIssue } from '../domain/errors.ts';
import { toFieldIssues } from '../domain/validation.ts';

/** A field issue that says where the field is. */
type LocatedIssue = FieldIssue & Required<Pick<FieldIssue, 'in'>>;

/** An RFC 9457 problem document, with our stable code and the offending fields. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: ErrorCode;
  /** The path of the request; absent where there is none to name (see client-errors.ts). */
  instance?: string;
  errors?: LocatedIssue[];
}

/** Fastify's own errors that have a code of ours. */
const FASTIFY_CODES: Record<string, ErrorCode> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'BODY_TOO_LARGE',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
};

/** Fastify's messages that do not say what to do instead. */
const FASTIFY_DETAILS: Record<string, string> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'Send the body as application/json',
};

/** Codes for any other client error Fastify raises, by status. */
const STATUS_CODES: Record<number, ErrorCode> = {
  404: 'NOT_FOUND',
  413: 'BODY_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  429: 'TOO_MANY_ATTEMPTS',
};

const PARTS: Record<string, LocatedIssue['in']> = {
  body: 'body',
  querystring: 'query',
  params: 'path',
  headers: 'header',
};

/** The problem of one of our codes, with the status, title and type the code has. */
export function problem(
  code: ErrorCode,
  detail: string,
  instance: string | undefined,
  issues: LocatedIssue[] = [],
): Problem {
  return {
    type: `urn:taskplanner:problem:${code.toLowerCase().replaceAll('_', '-')}`,
    title: ERROR_CODES[code].title,
    status: ERROR_CODES[code].status,
    detail,
    code,
    ...(instance === undefined ? {} : { instance }),
    ...(issues.length > 0 ? { errors: issues } : {}),
  };
}

function unique(issues: LocatedIssue[]): LocatedIssue[] {
  const seen = new Set<string>();
  return issues.filter((issue) => {
    const key = `${issue.in}${issue.path}${issue.message}`;
    return seen.has(key) ? false : (seen.add(key), true);
  });
}

function fromValidation(error: Partial<FastifyError>, instance: string): Problem {
  const part = PARTS[error.validationContext ?? 'body'] ?? 'body';
  const issues = unique(
    toFieldIssues(error.validation ?? []).map((issue) => ({ ...issue, in: part })),
  );
  const first = issues[0];
  const detail = first ? `${part} ${first.path || '/'}: ${first.message}` : 'Invalid request';
  return problem('VALIDATION_FAILED', detail, instance, issues);
}

function fromFastify(error: Partial<FastifyError>, instance: string): Problem | undefined {
  const status = error.statusCode ?? 500;
  const code = (error.code && FASTIFY_CODES[error.code]) ?? STATUS_CODES[status];
  const detail = (error.code && FASTIFY_DETAILS[error.code]) ?? error.message;
  if (code) return problem(code, detail ?? ERROR_CODES[code].title, instance);
  if (status >= 400 && status < 500)
    return problem('VALIDATION_FAILED', error.message ?? 'Bad request', instance);
  return undefined;
}

/** Maps any error to a problem; unknown errors become INTERNAL without their message. */
export function toProblem(error: unknown, instance: string): Problem {
  if (error instanceof AppError) {
    const issues = error.issues.map((issue) => ({ ...issue, in: issue.in ?? 'body' }));
    return problem(error.code, error.message, instance, issues);
  }
  const fastifyError = error as Partial<FastifyError>;
  if (fastifyError.validation) return fromValidation(fastifyError, instance);
  return (
    fromFastify(fastifyError, instance) ??
    problem('INTERNAL', 'Something went wrong on the server; the log has the details', instance)
  );
}

/** Fastify's error handler: every error leaves as application/problem+json. */
export function sendProblem(
  error: unknown,
  request: FastifyRequest,
  reply: FastifyReply,
): FastifyReply {
  const body = toProblem(error, request.url.split('?')[0] ?? request.url);
  if (body.status >= 500) request.log.error({ err: error }, 'request failed');
  if (error instanceof AppError) reply.headers(error.headers);
  return reply.status(body.status).type('application/problem+json').send(body);
}
