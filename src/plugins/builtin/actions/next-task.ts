import { Type } from '@sinclair/typebox';
import { PARAMETER_NAME_PATTERN } from '../../../domain/placeholders.ts';
import { defineAction } from '../../define-kind.ts';
import { counted } from '../../../domain/counted.ts';

const NextTaskConfig = Type.Object(
  {
    taskId: Type.String({ minLength: 1, maxLength: 64, description: 'The task to start' }),
    parameters: Type.Record(
      Type.String({ pattern: PARAMETER_NAME_PATTERN }),
      Type.String({ maxLength: 10_000 }),
      {
        default: {},
        maxProperties: 100,
        additionalProperties: false,
        description: 'Placeholders for the started task (placeholders of this run are filled in)',
      },
    ),
  },
  { additionalProperties: false },
);

/**
 * Starts another task of the same owner, disabled ones too. A task already run in this chain
 * is not started again, so a loop ends with a line in the log.
 */
export const nextTaskAction = defineAction({
  kind: 'next-task',
  title: 'Start another task',
  description: 'Starts another task of the same owner (also a disabled one)',
  configSchema: NextTaskConfig,
  accepts: [],
  startsTask: (config) => config.taskId,
  // The task is the owner's (checked when saved and when started); a dry run starts nothing.
  preview: (config) =>
    Promise.resolve({
      to: [`task ${config.taskId}`],
      files: [],
      note: `would start it with ${counted(Object.keys(config.parameters).length, 'parameter')}`,
    }),
  run: async (config, context) => {
    const { 'run.status': status, 'run.reason': reason } = context.placeholders;
    const runId = await context.host.startTask(config.taskId, config.parameters, {
      status: typeof status === 'string' ? status : 'running',
      reason: typeof reason === 'string' && reason !== '' ? reason : null,
    });
    if (runId === null) {
      context.log.warn(
        `next-task: not starting task ${config.taskId}: it already ran in this chain (a loop)`,
      );
      return;
    }
    context.log.info(`next-task: started task ${config.taskId} as run ${runId}`);
  },
});
