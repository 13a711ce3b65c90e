import { AppError } from './errors.ts';

/**
 * What a grant lets someone other than a task's owner do with it, each level including the
 * ones before: view (see it, its runs, logs and files), run (also start it by hand), edit (also
 * change it, within the permissions the editor holds), manage (also change who may do what).
 */
export const ACCESS_LEVELS = ['view', 'run', 'edit', 'manage'] as const;
export type AccessLevel = (typeof ACCESS_LEVELS)[number];

/** Who a grant is for: one user, or every member of a group. */
export interface GrantSubject {
  type: 'user' | 'group';
  id: string;
}

/** One entry of a task's rights list. */
export interface TaskGrant {
  subject: GrantSubject;
  level: AccessLevel;
}

/** A grant as people read it: with the subject's name (a user's login and display name, a group's name). */
export interface NamedGrant extends TaskGrant {
  name: string;
  login: string | null;
}

/**
 * How a caller reaches a task: as its owner, as a holder of taskplanner.admin (both may do
 * everything), or through grants at a level.
 */
export type TaskAccess = 'owner' | 'admin' | AccessLevel;

/** At most this many grants on one task. */
export const MAX_GRANTS_PER_TASK = 200;

function rank(level: AccessLevel): number {
  return ACCESS_LEVELS.indexOf(level);
}

/** Whether the access includes the level. */
export function allows(access: TaskAccess, needed: AccessLevel): boolean {
  return access === 'owner' || access === 'admin' || rank(access) >= rank(needed);
}

/** The highest of the levels, or null when there are none. */
export function highestLevel(levels: Iterable<AccessLevel>): AccessLevel | null {
  let best: AccessLevel | null = null;
  for (const level of levels) if (best === null || rank(level) > rank(best)) best = level;
  return best;
}

/** Throws FORBIDDEN, naming both levels, unless the access includes the needed one. */
export function requireLevel(access: TaskAccess, needed: AccessLevel): void {
  if (!allows(access, needed)) {
    throw new AppError(
      'FORBIDDEN',
      `This needs the right to ${needed} the task; it is shared with you to ${access} it`,
    );
  }
}

/** The key a subject is unique by within one task's list. */
export function subjectKey(subject: GrantSubject): string {
  return `${subject.type}:${subject.id}`;
}

/** Whose tasks (or their runs) a listing holds. */
export type TaskScope =
  | { kind: 'everyone' }
  | { kind: 'owned'; userId: string }
  /** Shared with the user by a grant to them or a group of theirs, and not their own. */
  | { kind: 'shared'; userId: string }
  /** Their own and those shared with them. */
  | { kind: 'visible'; userId: string };
