import { Type } from '@sinclair/typebox';
import { defineTrigger } from '../../define-kind.ts';
import { coerceError } from '../../../domain/coerce-error.ts';

/** Starts the task each time a server (a node) starts. */
export const serverStartTrigger = defineTrigger({
  kind: 'server-start',
  title: 'Server start',
  description: 'Starts the task each time a server starts',
  configSchema: Type.Object({}, { additionalProperties: false }),
  start: (_config, context) => {
    if (context.reason !== 'server-start') return;
    context.fire('start').catch((error: unknown) => {
      context.log.error(`could not start the task: ${coerceError(error).message}`);
    });
  },
});
