/** The run a task's run follows (after-task trigger, next-task action), as it ended or stands. */
export interface Predecessor {
  taskId: string;
  taskName: string;
  runId: string;
  status: string;
  reason: string | null;
}

/**
 * The parameters a following run gets of the run it follows: {trigger.task.id},
 * {trigger.task.name}, {trigger.run.id}, {trigger.run.status}, {trigger.run.reason}. Callers
 * cannot give parameters under trigger. (PARAMETER_NAME_PATTERN), so these are the engine's.
 */
export function predecessorParameters(before: Predecessor): Record<string, string> {
  return {
    'trigger.task.id': before.taskId,
    'trigger.task.name': before.taskName,
    'trigger.run.id': before.runId,
    'trigger.run.status': before.status,
    'trigger.run.reason': before.reason ?? '',
  };
}
