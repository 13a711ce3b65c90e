import { PERMISSIONS } from './permissions.ts';
import type { DataSource } from './settings.ts';

/** Who is asking to query: a user's id, groups and permissions. */
export interface QueryingUser {
  id: string;
  groupIds: readonly string[];
  permissions: ReadonlySet<string>;
}

/** Whether the user may query the data source: settings.manage, everyone, by name or group. */
export function mayQuery(source: DataSource, user: QueryingUser): boolean {
  const { access } = source;
  return (
    user.permissions.has(PERMISSIONS.settingsManage) ||
    access.everyone ||
    access.userIds.includes(user.id) ||
    user.groupIds.some((id) => access.groupIds.includes(id))
  );
}
