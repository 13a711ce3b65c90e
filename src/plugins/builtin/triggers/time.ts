import { AppError, underPath } from '../../../domain/errors.ts';
import { compileSchedule } from '../../../schedule/compile-schedule.ts';
import { describeSchedule } from '../../../schedule/describe.ts';
import { ScheduleSchema } from '../../../schedule/schedule-schema.ts';
import type { TriggerKind } from '../../component-kind.ts';

/** The time trigger: its config is a schedule object (see the README). */
export const timeTrigger: TriggerKind = {
  category: 'trigger',
  kind: 'time',
  title: 'Schedule',
  description: 'Starts the task at the times of a schedule',
  configSchema: ScheduleSchema,
  check: (config, path) => {
    try {
      // The zone only matters for computing; for checking, any default will do.
      compileSchedule(config, 'UTC');
      return [];
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      return [...underPath(error, path).issues];
    }
  },
  schedule: (config: unknown, timezone) => compileSchedule(config, timezone).next,
  describe: (config: unknown, timezone) => describeSchedule(config, timezone),
};
