import type { FastifyRequest, FastifyServerOptions } from 'fastify';
import { HOOK_PREFIX } from '../secrets/hook-links.ts';

const HOOK_TOKEN = new RegExp(`${HOOK_PREFIX}[^/?#]*`, 'g');

/** A URL as logs show it: the token of a hook URL, which starts its task, left out. */
export function redactHookUrl(url: string): string {
  return url.replace(HOOK_TOKEN, `${HOOK_PREFIX}***`);
}

/** What the server logs of a request: Fastify's default fields, with the URL redacted. */
function requestForLog(request: FastifyRequest) {
  const port = request.socket?.remotePort;
  return {
    method: request.method,
    url: redactHookUrl(request.url),
    host: request.host,
    remoteAddress: request.ip,
    ...(port === undefined ? {} : { remotePort: port }),
  };
}

/** The logger options with request URLs redacted; false stays false. */
export function redactingLogger(
  logger: FastifyServerOptions['logger'],
): NonNullable<FastifyServerOptions['logger']> {
  if (!logger) return false;
  const options = logger === true ? {} : logger;
  return { ...options, serializers: { ...options.serializers, req: requestForLog } };
}
