import type { Caller } from '../auth/caller.ts';
import { auditEvent } from '../domain/audit.ts';
import { GrantsInput } from '../domain/grant-schema.ts';
import type { NamedGrant, TaskGrant } from '../domain/task-access.ts';
import { compileValidator } from '../domain/validation.ts';
import type { Store } from '../store/store.ts';
import { requireKnownSubjects } from './grant-subjects.ts';
import type { TaskService } from './task-service.ts';

const validateGrants = compileValidator(GrantsInput);

/** A grant as the audit log keeps it: subject and level, plus the name it had then. */
function audited(grants: readonly NamedGrant[]) {
  return grants.map(({ subject, level, name }) => ({ ...subject, name, level }));
}

/**
 * A task's rights list: who besides its owner may view, run, edit or manage it. Everyone who
 * may see the task may read the list; only the owner, administrators and those granted manage
 * may change it, and every change is audited.
 */
export class TaskGrantService {
  constructor(
    private readonly store: Store,
    private readonly tasks: TaskService,
    private readonly now: () => Date,
  ) {}

  async list(caller: Caller, taskId: string): Promise<NamedGrant[]> {
    await this.tasks.get(caller, taskId, 'view');
    return this.store.grants.ofTask(taskId);
  }

  /** Replaces the rights list in one step; returns it as stored. */
  async replace(caller: Caller, taskId: string, raw: unknown): Promise<NamedGrant[]> {
    const grants: TaskGrant[] = validateGrants(raw).grants;
    return this.store.transaction(async (store) => {
      // The task's lock orders concurrent changes of its list, and of the task itself.
      await store.tasks.lock([taskId]);
      const task = await this.tasks.get(caller, taskId, 'manage', store);
      await requireKnownSubjects(store, grants, '/grants', task.ownerId);
      const before = await store.grants.ofTask(taskId);
      await store.grants.replace(taskId, grants);
      const after = await store.grants.ofTask(taskId);
      const details = { name: task.name, before: audited(before), after: audited(after) };
      await store.audit.append(
        auditEvent(caller.actor, this.now(), 'task.grants', 'task', taskId, details),
      );
      return after;
    });
  }
}
