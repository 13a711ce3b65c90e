// Config fields shared by the kinds that make HTTP requests (the HTTP job, the webhook action).
import { Type } from '@sinclair/typebox';

/** Header names as HTTP allows them (RFC 9110 tokens). */
const HEADER_NAME = "^[!#$%&'*+.^_`|~0-9A-Za-z-]+$";

/** Request headers: plain ones, filled with placeholders. */
export const HeadersField = Type.Record(
  Type.String({ pattern: HEADER_NAME }),
  Type.String({ maxLength: 8192 }),
  { default: {}, additionalProperties: false, description: 'Request headers by name' },
);

/** The Authorization header, kept apart from the headers so that it can be a secret. */
export const AuthorizationField = Type.Optional(
  Type.String({
    secret: true,
    maxLength: 8192,
    description:
      'The Authorization header\'s value (e.g. "Bearer abc..."); stored encrypted, never shown or logged',
  }),
);

/** How long a request may take; without it only the task's timeout applies. */
export const TimeoutField = Type.Optional(
  Type.Integer({
    minimum: 1,
    maximum: 86_400,
    title: 'Timeout (seconds)',
    description:
      "Fail when the server has not answered (body included) within this many seconds. Default: only the task's timeout applies",
  }),
);
