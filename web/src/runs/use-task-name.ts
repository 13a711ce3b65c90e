import { useQuery } from '@tanstack/react-query';
import { api } from '../api.ts';
import type { Task } from '../types.ts';

/** The name of a task, for headings (null while loading or when it cannot be read). */
export function useTaskName(taskId: string | null): string | null {
  const task = useQuery({
    // A key of its own: the task editor may keep the task under another shape.
    queryKey: ['task-name', taskId],
    queryFn: async () =>
      (await api<Task>('GET', `/tasks/${encodeURIComponent(taskId ?? '')}`)).name,
    enabled: taskId !== null,
    staleTime: 30_000,
  });
  return task.data ?? null;
}
