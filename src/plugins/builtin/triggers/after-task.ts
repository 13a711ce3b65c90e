import { Type } from '@sinclair/typebox';
import { defineTrigger } from '../../define-kind.ts';

const AfterTaskConfig = Type.Object(
  {
    taskId: Type.String({ minLength: 1, maxLength: 64, description: 'The task to follow' }),
    on: Type.Union([Type.Literal('success'), Type.Literal('failure'), Type.Literal('always')], {
      default: 'always',
      description:
        'success: it succeeded; failure: it failed, partly failed, timed out or was interrupted; always: any end but skipped',
    }),
  },
  { additionalProperties: false },
);

/** Starts the task when another task of the same owner has ended; a chain never loops. */
export const afterTaskTrigger = defineTrigger({
  kind: 'after-task',
  title: 'After another task',
  description: 'Starts the task when another task of the same owner has ended',
  configSchema: AfterTaskConfig,
  describe: (config) =>
    `After task ${config.taskId} ends${config.on === 'always' ? '' : ` (on ${config.on})`}`,
  follows: (config) => ({
    taskId: config.taskId,
    on: config.on,
  }),
});
