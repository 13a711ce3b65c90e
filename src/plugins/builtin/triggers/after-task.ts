import { Type } from '@sinclair/typebox';
import type { FieldIssue } from '../../../domain/errors.ts';
import { defineTrigger } from '../../define-kind.ts';

const TaskId = (description?: string) =>
  Type.String({ minLength: 1, maxLength: 64, ...(description ? { description } : {}) });

/** The most tasks one trigger may follow. */
const MAX_FOLLOWED = 20;

/** With mode all, how far back an end may lie unless the trigger says. */
const DEFAULT_WINDOW_MINUTES = 1440;

const AfterTaskConfig = Type.Object(
  {
    taskId: Type.Optional(TaskId('The task to follow')),
    taskIds: Type.Optional(
      Type.Array(TaskId(), {
        minItems: 1,
        maxItems: MAX_FOLLOWED,
        uniqueItems: true,
        description: 'Several tasks to follow (instead of one taskId)',
      }),
    ),
    on: Type.Union([Type.Literal('success'), Type.Literal('failure'), Type.Literal('always')], {
      default: 'always',
      description:
        'success: it succeeded; failure: it failed, partly failed, timed out or was interrupted; always: any end but skipped',
    }),
    mode: Type.Optional(
      Type.Union([Type.Literal('any'), Type.Literal('all')], {
        description:
          'With several tasks: any (the default): each end of any of them starts this task; all: it starts once every one of them has ended so within the window',
      }),
    ),
    windowMinutes: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: 10080,
        description: `With all: how long ago the end of each task may be (default ${DEFAULT_WINDOW_MINUTES}, a day), and it must be after this task last ran from this trigger`,
      }),
    ),
  },
  { additionalProperties: false },
);

type Config = { taskId?: string; taskIds?: string[] };

/** The tasks a config names: taskId and taskIds together, each once. */
function followedIds(config: Config): string[] {
  return [...new Set([...(config.taskId ? [config.taskId] : []), ...(config.taskIds ?? [])])];
}

function checkFollowed(config: Config, path: string): FieldIssue[] {
  const ids = followedIds(config);
  if (ids.length === 0) return [{ path: `${path}/taskId`, message: 'name a task to follow' }];
  if (ids.length > MAX_FOLLOWED) {
    return [{ path: `${path}/taskIds`, message: `at most ${MAX_FOLLOWED} tasks` }];
  }
  return [];
}

/** Starts the task when another task (or several) of the same owner has ended; a chain never loops. */
export const afterTaskTrigger = defineTrigger({
  kind: 'after-task',
  title: 'After another task',
  description: 'Starts the task when another task of the same owner has ended (or several have)',
  configSchema: AfterTaskConfig,
  check: (config, path) => checkFollowed(config, path),
  describe: (config) => {
    const ids = followedIds(config);
    const outcome = config.on === 'always' ? '' : ` (on ${config.on})`;
    if (ids.length === 1) return `After task ${ids[0]} ends${outcome}`;
    const which = config.mode === 'all' ? 'all' : 'any';
    const minutes = config.windowMinutes ?? DEFAULT_WINDOW_MINUTES;
    const within = config.mode === 'all' ? ` within ${minutes} min` : '';
    return `After ${which} of ${ids.length} tasks end${outcome}${within}`;
  },
  follows: (config) => ({
    taskIds: followedIds(config),
    on: config.on,
    all: config.mode === 'all',
    windowMs: (config.windowMinutes ?? DEFAULT_WINDOW_MINUTES) * 60_000,
  }),
});
