import type { Plugin } from '../plugin.ts';
import { nextTaskAction } from './actions/next-task.ts';
import { dataKinds } from './data-kinds.ts';
import { deliveryKinds } from './delivery-kinds.ts';
import { processKinds } from './process-kinds.ts';
import { listSeries } from './series/list.ts';
import { afterTaskTrigger } from './triggers/after-task.ts';
import { calendarTrigger } from './triggers/calendar.ts';
import { fileChangeTrigger } from './triggers/file-change.ts';
import { httpTrigger } from './triggers/http.ts';
import { serverStartTrigger } from './triggers/server-start.ts';
import { timeTrigger } from './triggers/time.ts';

const groups = [processKinds, deliveryKinds, dataKinds];

/** The component kinds that ship with Task Planner. */
export const builtinPlugin: Plugin = {
  name: 'builtin',
  permissions: [
    { name: 'trigger.http', description: 'May start tasks through their own URL (HTTP trigger)' },
    {
      name: 'trigger.files',
      description: 'May start tasks when files change in the allowed folders',
    },
    {
      name: 'trigger.calendar',
      description:
        'May start tasks at the events of a calendar: an .ics file in the allowed folders or an https URL',
    },
    ...groups.flatMap((group) => group.permissions ?? []),
  ],
  components: [
    timeTrigger,
    afterTaskTrigger,
    serverStartTrigger,
    httpTrigger,
    fileChangeTrigger,
    calendarTrigger,
    nextTaskAction,
    listSeries,
    ...groups.flatMap((group) => group.components),
  ],
};
