import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { AppError } from '../../domain/errors.ts';
import type { Store } from '../../store/store.ts';
import { responses } from '../schemas.ts';

const Status = Type.Object({ status: Type.String() });

/** /healthz (the process answers) and /readyz (the store answers too). */
export function healthRoutes(store: Store): FastifyPluginAsyncTypebox {
  return async (app) => {
    const tags = ['health'];
    app.get(
      '/healthz',
      { schema: { tags, summary: 'The process is up', response: { 200: Status } } },
      () => ({ status: 'ok' }),
    );
    app.get(
      '/readyz',
      {
        schema: {
          tags,
          summary: 'The store is reachable',
          response: responses({ 200: Status }),
        },
      },
      async () => {
        try {
          await store.ping();
        } catch {
          throw new AppError('STORE_UNAVAILABLE', 'The database does not answer');
        }
        return { status: 'ready' };
      },
    );
  };
}
