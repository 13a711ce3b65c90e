import type { Plugin } from '../plugin.ts';
import { listSeries } from './series/list.ts';
import { afterTaskTrigger } from './triggers/after-task.ts';
import { serverStartTrigger } from './triggers/server-start.ts';
import { timeTrigger } from './triggers/time.ts';

/** The component kinds that ship with Task Planner. */
export const builtinPlugin: Plugin = {
  name: 'builtin',
  components: [timeTrigger, afterTaskTrigger, serverStartTrigger, listSeries],
};
