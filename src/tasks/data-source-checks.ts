import { mayQuery, type QueryingUser } from '../domain/data-source-access.ts';
import { validationError, type FieldIssue } from '../domain/errors.ts';
import type { ComponentRegistry } from '../plugins/registry.ts';
import type { Store } from '../store/store.ts';
import { newAnnotatedValues } from './annotated-values.ts';
import type { TaskSave } from './task-limits.ts';

/** The owner as the data sources' access sees them: their groups and effective permissions. */
async function queryingOwner(store: Store, ownerId: string): Promise<QueryingUser> {
  const owner = await store.users.get(ownerId);
  const permissions = await store.users.effectivePermissions(ownerId);
  return { id: ownerId, groupIds: owner?.groupIds ?? [], permissions };
}

/**
 * Refuses a data source (a config field marked `dataSource: true`) that the task's owner can
 * never query: one that does not exist, or one whose access leaves the owner out. Both get the
 * same words, so a refusal tells nothing of data sources the owner may not see. Only new or
 * changed names without placeholders are checked (see newAnnotatedValues): a data source taken
 * away since an earlier save leaves the rest of the task editable.
 */
export async function requireUsableDataSources(
  store: Store,
  registry: ComponentRegistry,
  save: TaskSave,
): Promise<void> {
  const names = newAnnotatedValues(registry, save.definition, save.previous, (f) => f.dataSource);
  if (names.length === 0) return;
  const owner = await queryingOwner(store, save.ownerId);
  const issues: FieldIssue[] = [];
  for (const { path, text } of names) {
    const source = await store.dataSources.getByName(text);
    if (source && mayQuery(source, owner)) continue;
    issues.push({ path, message: `There is no data source '${text}' that the owner may use` });
  }
  if (issues.length > 0) throw validationError(issues);
}
