import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { AppError, ERROR_CODES, type ErrorCode, type FieldIssue } from '../domain/errors.ts';
import { toFieldIssues } from '../domain/validation.ts';

/** An RFC 9457 problem document, with our stable code and the offending fields. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: ErrorCode;
  instance: string;
  errors?: Array<FieldIssue & { in: string }>;
}

const FASTIFY_CODES: Record<string, ErrorCode> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'BODY_TOO_LARGE',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'VALIDATION_FAILED',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'VALIDATION_FAILED',
  FST_ERR_CTP_INVALID_JSON_BODY: 'VALIDATION_FAILED',
};

const PARTS: Record<string, string> = {
  body: 'body',
  querystring: 'query',
  params: 'path',
  headers: 'header',
};

function problem(
  code: ErrorCode,
  detail: string,
  instance: string,
  issues: Array<FieldIssue & { in: string }> = [],
): Problem {
  return {
    type: `urn:taskplanner:problem:${code.toLowerCase().replaceAll('_', '-')}`,
    title: ERROR_CODES[code].title,
    status: ERROR_CODES[code].status,
    detail,
    code,
    instance,
    ...(issues.length > 0 ? { errors: issues } : {}),
  };
}

function unique(issues: Array<FieldIssue & { in: string }>): Array<FieldIssue & { in: string }> {
  const seen = new Set<string>();
  return issues.filter((issue) => {
    const key = `${issue.in}${issue.path}${issue.message}`;
    return seen.has(key) ? false : (seen.add(key), true);
  });
}

/** Maps any error to a problem; unknown errors become INTERNAL without their message. */
export function toProblem(error: unknown, instance: string): Problem {
  if (error instanceof AppError) {
    return problem(
      error.code,
      error.message,
      instance,
      error.issues.map((issue) => ({ in: 'body', ...issue })),
    );
  }
  const fastifyError = error as Partial<FastifyError>;
  if (fastifyError.validation) {
    const part = PARTS[fastifyError.validationContext ?? 'body'] ?? 'body';
    const issues = unique(
      toFieldIssues(fastifyError.validation as never).map((issue) => ({ in: part, ...issue })),
    );
    const first = issues[0];
    return problem(
      'VALIDATION_FAILED',
      first ? `${part} ${first.path || '/'}: ${first.message}` : 'Invalid request',
      instance,
      issues,
    );
  }
  const mapped = fastifyError.code ? FASTIFY_CODES[fastifyError.code] : undefined;
  if (mapped) return problem(mapped, fastifyError.message ?? ERROR_CODES[mapped].title, instance);
  if (fastifyError.statusCode === 429)
    return problem('TOO_MANY_ATTEMPTS', 'Too many requests; slow down', instance);
  return problem(
    'INTERNAL',
    'Something went wrong on the server; the log has the details',
    instance,
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
