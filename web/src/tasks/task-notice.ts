const notices = new Map<string, string>();

/** Leaves a message for the editor of a task about to open (after creating it: "Created."). */
export function leaveNotice(taskId: string, message: string): void {
  notices.set(taskId, message);
}

/** The message left for a task's editor, read once. */
export function takeNotice(taskId: string | undefined): string {
  if (taskId === undefined) return '';
  const message = notices.get(taskId) ?? '';
  notices.delete(taskId);
  return message;
}

/** The key of messages left for the task list (after the editor deleted its task). */
export const TASK_LIST_NOTICE = 'task-list';
