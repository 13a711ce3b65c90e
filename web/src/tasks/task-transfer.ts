import { api } from '../api.ts';

/** An export document (format taskplanner-tasks, version 1), as the server writes it. */
export interface TaskDocument {
  format: 'taskplanner-tasks';
  version: 1;
  exportedAt?: string;
  tasks: Array<{ id?: string; owner?: string; name: string } & Record<string, unknown>>;
}

/** A secret field an imported task still needs. */
export interface MissingSecret {
  task: string;
  taskName: string;
  category: string;
  component: string;
  kind: string;
  field: string;
}

/** Why an imported task's runs would fail: its owner lacks a permission it needs. */
export interface ImportWarning {
  code: string;
  message: string;
}

/** What POST /tasks/import made. */
export interface ImportResult {
  tasks: Array<{
    id: string;
    name: string;
    sourceId: string | null;
    enabled: boolean;
    warnings: ImportWarning[];
  }>;
  missingSecrets: MissingSecret[];
}

/** The export of the tasks with these ids (each one the caller can see). */
export function exportTasks(ids: readonly string[]): Promise<TaskDocument> {
  return api<TaskDocument>('POST', '/tasks/export', { ids });
}

/** Imports a document's tasks as new tasks: for the caller, or (administrators) another login. */
export function importTasks(document: unknown, owner: string): Promise<ImportResult> {
  const body =
    owner.trim() === ''
      ? document
      : { ...(document as Record<string, unknown>), owner: owner.trim() };
  return api<ImportResult>('POST', '/tasks/import', body);
}

/** A file name for an export: the one task's name, or the count and the day. */
export function exportFileName(document: TaskDocument, now = new Date()): string {
  const day = now.toISOString().slice(0, 10);
  const only = document.tasks.length === 1 ? document.tasks[0]?.name : undefined;
  const slug = (only ?? '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60);
  return slug ? `task-${slug}-${day}.json` : `tasks-${document.tasks.length}-${day}.json`;
}

/** Lets the browser save the document as a .json file. */
export function downloadDocument(document: TaskDocument): void {
  const blob = new Blob([`${JSON.stringify(document, null, 2)}\n`], { type: 'application/json' });
  const url = URL.createObjectURL(blob);
  const link = window.document.createElement('a');
  link.href = url;
  link.download = exportFileName(document);
  link.hidden = true;
  window.document.body.append(link);
  link.click();
  link.remove();
  // The download has its own copy once it started; a moment later the URL can go.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** Exports the tasks and saves the file; the number of tasks in it. */
export async function exportAndDownload(ids: readonly string[]): Promise<number> {
  const document = await exportTasks(ids);
  downloadDocument(document);
  return document.tasks.length;
}
