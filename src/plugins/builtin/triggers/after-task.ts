import { Type, type Static } from '@sinclair/typebox';
import type { TriggerKind } from '../../component-kind.ts';

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
export const afterTaskTrigger: TriggerKind = {
  category: 'trigger',
  kind: 'after-task',
  title: 'After another task',
  description: 'Starts the task when another task of the same owner has ended',
  configSchema: AfterTaskConfig,
  describe: (config: Static<typeof AfterTaskConfig>) =>
    `After task ${config.taskId} ends${config.on === 'always' ? '' : ` (on ${config.on})`}`,
  follows: (config: Static<typeof AfterTaskConfig>) => ({
    taskId: config.taskId,
    on: config.on,
  }),
};
