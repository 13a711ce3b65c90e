import { api } from '../api.ts';
import type { Group } from './admin-types.ts';

/** Puts a user into exactly the chosen groups: membership is kept by the groups. */
export async function saveMemberships(
  userId: string,
  chosen: string[],
  groups: Group[],
): Promise<void> {
  for (const group of groups) {
    const member = group.memberIds.includes(userId);
    const wanted = chosen.includes(group.id);
    if (member === wanted) continue;
    const memberIds = wanted
      ? [...group.memberIds, userId]
      : group.memberIds.filter((id) => id !== userId);
    await api('PATCH', `/groups/${encodeURIComponent(group.id)}`, { memberIds });
  }
}
