import type { Store } from '../store/store.ts';
import { requirePlanner, type Caller } from './caller.ts';

/** Who the directory lists: enabled users by login and name, groups by name. */
export interface DirectoryEntries {
  users: Array<{ id: string; login: string; displayName: string }>;
  groups: Array<{ id: string; name: string }>;
}

/**
 * The users and groups a planner may share a task with, for a picker: names only (no e-mail
 * addresses, permissions or members), at most `limit` of each.
 */
export class DirectoryService {
  constructor(private readonly store: Store) {}

  async search(caller: Caller, q: string, limit: number): Promise<DirectoryEntries> {
    requirePlanner(caller);
    const needle = q.trim().toLowerCase();
    const query = { ...(needle ? { q: needle } : {}), limit, enabledOnly: true };
    const users = (await this.store.users.list(query)).items.map(({ id, login, displayName }) => ({
      id,
      login,
      displayName,
    }));
    const groups = (await this.store.groups.list())
      .filter((group) => group.name.toLowerCase().includes(needle))
      .slice(0, limit)
      .map(({ id, name }) => ({ id, name }));
    return { users, groups };
  }
}
