import type { AccessLevel, GrantSubject, Task, TaskAccess } from '../types.ts';

/** The levels of a rights list, lowest first; each includes the ones before it. */
export const ACCESS_LEVELS: readonly AccessLevel[] = ['view', 'run', 'edit', 'manage'];

/** What each level allows, as the level picker explains it. */
export const LEVEL_DESCRIPTIONS: Record<AccessLevel, string> = {
  view: 'See it, its runs and files; copy it',
  run: 'Also start it by hand and cancel its runs',
  edit: 'Also change it and switch it on or off',
  manage: 'Also change its rights list and delete it',
};

/** Whether the access includes the level (owners and administrators may do everything). */
export function allows(access: TaskAccess, needed: AccessLevel): boolean {
  if (access === 'owner' || access === 'admin') return true;
  return ACCESS_LEVELS.indexOf(access) >= ACCESS_LEVELS.indexOf(needed);
}

/** The level a task is shared with the caller at; null for the owner and administrators. */
export function sharedLevel(task: Task): AccessLevel | null {
  return task.access === 'owner' || task.access === 'admin' ? null : task.access;
}

/** The task list's marker of a task shared with the caller: "Shared by Ann Example · can run". */
export function sharedMarker(task: Task): string | null {
  const level = sharedLevel(task);
  return level ? `Shared by ${task.ownerName} · can ${level}` : null;
}

/** The sentence saying who shared the task and how far: "Shared with you to run it by Ann". */
export function sharedSentence(task: Task): string | null {
  const level = sharedLevel(task);
  return level ? `Shared with you to ${level} it by ${task.ownerName}.` : null;
}

/** The key a subject is unique by within a rights list: "group:<id>" or "user:<id>". */
export function subjectKey(subject: GrantSubject): string {
  return `${subject.type}:${subject.id}`;
}
