import { keepPreviousData, useQuery, type QueryClient } from '@tanstack/react-query';
import { api, query } from '../api.ts';
import type { ComponentKind, Page, Task } from '../types.ts';
import type { TaskDraft } from './task-draft.ts';

/** The filters and page of the task list, as GET /tasks takes them. */
export interface TaskListParams {
  q?: string;
  enabled?: 'true' | 'false';
  owner?: string;
  /** mine: the caller's own; shared: shared with them; all: for administrators everyone's. */
  scope?: 'mine' | 'shared' | 'all';
  sort?: 'name' | 'createdAt' | 'updatedAt';
  order?: 'asc' | 'desc';
  limit: number;
  cursor?: string;
}

/** One page of tasks; the previous page stays shown while the next loads. */
export function useTaskList(params: TaskListParams) {
  return useQuery({
    queryKey: ['tasks', params],
    queryFn: () => api<Page<Task>>('GET', `/tasks${query({ ...params })}`),
    placeholderData: keepPreviousData,
  });
}

/** One task, for the editor; loaded afresh each time the editor opens. */
export function useTask(taskId: string | null) {
  return useQuery({
    queryKey: ['task', taskId],
    queryFn: () => api<Task>('GET', `/tasks/${encodeURIComponent(taskId ?? '')}`),
    enabled: taskId !== null,
    refetchOnMount: 'always',
  });
}

/** The component kinds and their config schemas; they change only with the server. */
export function useComponentKinds() {
  return useQuery({
    queryKey: ['components'],
    queryFn: async () => (await api<{ items: ComponentKind[] }>('GET', '/components')).items,
    staleTime: Infinity,
  });
}

const taskPath = (taskId: string, action = '') =>
  `/tasks/${encodeURIComponent(taskId)}${action ? `/${action}` : ''}`;

/** Switches a task on or off. */
export function setTaskEnabled(taskId: string, enabled: boolean): Promise<Task> {
  return api<Task>('POST', taskPath(taskId, enabled ? 'enable' : 'disable'));
}

/** Starts a run of a task now; its id. */
export async function runTaskNow(
  taskId: string,
  parameters: Record<string, string> = {},
): Promise<string> {
  const body = Object.keys(parameters).length > 0 ? { parameters } : undefined;
  return (await api<{ runId: string }>('POST', taskPath(taskId, 'run'), body)).runId;
}

/** Copies a task; the copy belongs to the caller. */
export function copyTask(taskId: string): Promise<Task> {
  return api<Task>('POST', taskPath(taskId, 'copy'));
}

/** Deletes a task with its history. */
export function deleteTask(taskId: string): Promise<null> {
  return api<null>('DELETE', taskPath(taskId));
}

/** Saves a task: creates it, or replaces it based on the revision the draft started from. */
export function saveTask(draft: TaskDraft, base: Task | null): Promise<Task> {
  if (!base) return api<Task>('POST', '/tasks', draft);
  return api<Task>('PUT', taskPath(base.id), { ...draft, revision: base.revision });
}

/** Gives a task to another user (administrators). */
export function transferTask(taskId: string, ownerId: string): Promise<Task> {
  return api<Task>('POST', taskPath(taskId, 'owner'), { ownerId });
}

/** Makes every list and the task's own entry load again after a change. */
export async function refreshTasks(client: QueryClient, task?: Task): Promise<void> {
  if (task) client.setQueryData(['task', task.id], task);
  await client.invalidateQueries({ queryKey: ['tasks'] });
}
