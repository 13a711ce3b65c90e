import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { api, ApiError } from '../api.ts';
import type { Schedule, SchedulePreviewAnswer } from './schedule-types.ts';
import { useDebounced } from '../use-debounced.ts';

/** Where the preview begins: the next runs from now, or the first runs from the start. */
export type PreviewFrom = 'now' | 'start';

/** A problem the preview found, at a path inside the schedule (e.g. /intervals/0/every). */
export interface PreviewIssue {
  path: string;
  message: string;
}

/** What the preview shows: the answer, or why there is none. */
export interface PreviewState {
  answer: SchedulePreviewAnswer | undefined;
  issues: PreviewIssue[];
  /** A failure that is not about a field (the server is down, say). */
  failure: string | undefined;
  /** The shown answer is older than the schedule being edited. */
  updating: boolean;
}

const DEBOUNCE_MS = 400;
const COUNT = 10;

/** The schedule as the server will read it: without its own zone, the task's zone applies. */
function withZone(schedule: Schedule, taskZone: string): Schedule {
  if (schedule.timezone || !taskZone) return schedule;
  return { ...schedule, timezone: taskZone };
}

/**
 * The schedule without the calendars still being typed (no file or URL yet): the preview shows
 * the rest rather than a list of what an empty entry lacks.
 */
function withoutBlankCalendars(schedule: Schedule): Schedule {
  if (!schedule.exclude) return schedule;
  const typed = schedule.exclude.filter((entry) => {
    if (typeof entry !== 'object' || !('calendar' in entry)) return true;
    const where = 'file' in entry.calendar ? entry.calendar.file : entry.calendar.url;
    return where.trim() !== '';
  });
  return { ...schedule, exclude: typed };
}

function issuesOf(error: unknown): PreviewIssue[] {
  if (!(error instanceof ApiError)) return [];
  return error.issues
    .filter((issue) => issue.path.startsWith('/schedule'))
    .map((issue) => ({ path: issue.path.slice('/schedule'.length), message: issue.message }));
}

/** Previews the schedule through the API, once the user pauses editing. */
export function useSchedulePreview(
  schedule: Schedule,
  taskZone: string,
  from: PreviewFrom,
): PreviewState {
  // A string key: the schedule object is rebuilt on each edit, its text only when it changes.
  const body = JSON.stringify(withZone(withoutBlankCalendars(schedule), taskZone));
  const settled = useDebounced(body, DEBOUNCE_MS);
  const query = useQuery({
    queryKey: ['schedule-preview', settled, from],
    queryFn: () =>
      api<SchedulePreviewAnswer>('POST', '/schedules/preview', {
        schedule: JSON.parse(settled) as Schedule,
        count: COUNT,
        ...(from === 'now' ? { after: new Date().toISOString() } : {}),
      }),
    placeholderData: keepPreviousData,
    staleTime: 60_000,
  });
  const issues = issuesOf(query.error);
  return {
    answer: query.error ? undefined : query.data,
    issues,
    failure: query.error && issues.length === 0 ? query.error.message : undefined,
    updating: settled !== body || query.isFetching,
  };
}
