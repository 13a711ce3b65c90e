import type { Run } from '../types.ts';

/** Every status a run can have, in the order of its life: the server's own list. */
export { RUN_STATUSES } from '../../../src/domain/run.ts';

/** A result a job produced, as GET /runs/{id} lists it. */
export interface RunResult {
  itemIndex: number;
  jobId: string;
  type: string;
  name: string;
  valid: boolean;
  artifactId?: string;
  size?: number;
  mediaType?: string;
  text?: string;
  value?: unknown;
}

/** A run with every field the API returns. */
export interface RunView extends Omit<Run, 'results'> {
  taskName: string;
  ownerId: string;
  triggerId: string | null;
  retryOf: string | null;
  node: string | null;
  cancelRequested: boolean;
  lateMs: number | null;
  chain: string[];
  results: RunResult[];
}

/** Whether a run has not ended yet (so its page and lists keep refreshing). */
export function isActive(status: string): boolean {
  return status === 'queued' || status === 'running';
}

/** A status or cause as words: "partially-failed" → "partially failed". */
export function words(value: string): string {
  return value.replace(/-/g, ' ');
}
