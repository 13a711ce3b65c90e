import { dnKey, type LdapSettings } from '../../domain/ldap-settings.ts';
import { coerceError } from '../../domain/coerce-error.ts';
import { LdapDirectory } from './ldap-directory.ts';

/** What an administrator's connection test found. */
export interface DirectoryCheck {
  ok: boolean;
  message: string;
}

/**
 * Connects as the service account and reads what a sync would read: how many users the filter
 * finds, how many of them have no usable login, and how many users each mapped group holds.
 */
export async function checkDirectory(settings: LdapSettings): Promise<DirectoryCheck> {
  try {
    const snapshot = await new LdapDirectory(settings).snapshot();
    const groups = settings.groupMap.map((each) => {
      const members = snapshot.entries.filter((entry) =>
        snapshot.directoryGroupsOf(entry.dn).has(dnKey(each.directoryGroup)),
      ).length;
      return `${each.directoryGroup}: ${members}`;
    });
    const skipped =
      snapshot.skipped.length > 0 ? `, ${snapshot.skipped.length} without a usable login` : '';
    const mapped = groups.length > 0 ? `; mapped groups: ${groups.join('; ')}` : '';
    return { ok: true, message: `connected; ${snapshot.entries.length} users${skipped}${mapped}` };
  } catch (error) {
    return { ok: false, message: coerceError(error).message };
  }
}
