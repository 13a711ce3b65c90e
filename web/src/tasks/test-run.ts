import { api, ApiError } from '../api.ts';
import type { RunResult, RunView } from '../runs/run-types.ts';
import type { Task } from '../types.ts';
import type { TaskDraft } from './task-draft.ts';

/** What an action of a dry run would deliver. */
export interface DeliveryPreview {
  itemIndex: number;
  actionId: string;
  kind: string;
  to: string[];
  files: Array<{ name: string; bytes: number }>;
  note?: string;
}

/** How a test run went (POST /tasks/execute): nothing of it is recorded. */
export interface TestRunReport {
  dryRun: boolean;
  status: string;
  reasonCode: string | null;
  reason: string | null;
  durationMs: number;
  items: RunView['items'];
  results: RunResult[];
  deliveries: DeliveryPreview[];
  log: string;
}

/**
 * Runs the draft as it stands, unsaved, as the signed-in user; based on the stored task, whose
 * secrets fill the fields left masked.
 */
export function testRun(
  draft: TaskDraft,
  base: Task | null,
  dryRun: boolean,
  signal: AbortSignal,
): Promise<TestRunReport> {
  const body = { task: draft, dryRun, ...(base ? { basedOn: base.id } : {}) };
  return api<TestRunReport>('POST', '/tasks/execute', body, signal);
}

/** A test run's refusal of the draft: the editor shows it as it shows a refused save. */
export class TestRunRefusal extends ApiError {}

/** The same refusal with paths of the draft (/jobs/0/…) rather than of the request (/task/jobs/0/…). */
export function asDraftError(error: ApiError): TestRunRefusal {
  const issues = error.issues.map((issue) => ({
    ...issue,
    path: issue.path.startsWith('/task') ? issue.path.slice('/task'.length) : issue.path,
  }));
  return new TestRunRefusal(error.status, error.code, error.message.replace(/^\/task/, ''), issues);
}
