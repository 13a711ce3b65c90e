import { validationError, type FieldIssue } from '../domain/errors.ts';
import { subjectKey, type TaskGrant } from '../domain/task-access.ts';
import type { Store } from '../store/store.ts';

/**
 * Throws VALIDATION_FAILED naming each entry that names a user or group that does not exist,
 * the same subject as an earlier entry, or the owner (who has every right already).
 */
export async function requireKnownSubjects(
  store: Store,
  grants: readonly TaskGrant[],
  path: string,
  ownerId: string | null,
): Promise<void> {
  const userIds = grants.filter((g) => g.subject.type === 'user').map((g) => g.subject.id);
  const users = await store.users.existingIds(userIds);
  const groups = new Set((await store.groups.list()).map((group) => group.id));
  const seen = new Map<string, number>();
  const issues: FieldIssue[] = [];
  for (const [index, { subject }] of grants.entries()) {
    const at = `${path}/${index}/subject`;
    const key = subjectKey(subject);
    const earlier = seen.get(key);
    if (earlier !== undefined) {
      issues.push({ path: at, message: `names the same ${subject.type} as entry ${earlier + 1}` });
    } else if (subject.type === 'user' && subject.id === ownerId) {
      issues.push({ path: at, message: 'is the owner, who has every right on the task already' });
    } else if (!(subject.type === 'user' ? users : groups).has(subject.id)) {
      issues.push({ path: at, message: `names no existing ${subject.type}` });
    }
    seen.set(key, earlier ?? index);
  }
  if (issues.length > 0) throw validationError(issues);
}

/**
 * The grants a new task of the owner starts with: the server's default list, without the
 * entries whose user or group is gone and without the owner themselves.
 */
export async function defaultGrantsFor(store: Store, ownerId: string): Promise<TaskGrant[]> {
  const defaults = ((await store.settings.get('newTaskGrants')) ?? []) as TaskGrant[];
  const users = await store.users.existingIds(
    defaults.filter((g) => g.subject.type === 'user').map((g) => g.subject.id),
  );
  const groups = new Set((await store.groups.list()).map((group) => group.id));
  return defaults.filter(({ subject }) =>
    subject.type === 'user'
      ? users.has(subject.id) && subject.id !== ownerId
      : groups.has(subject.id),
  );
}
