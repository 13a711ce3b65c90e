import type { User } from '../../domain/user.ts';
import type { Page, Store } from '../../store/store.ts';

const PAGE = 500;

/** Every local account that the LDAP directory keeps, page by page. */
export async function directoryUsers(store: Store): Promise<User[]> {
  const found: User[] = [];
  let cursor: string | null = null;
  do {
    const page: Page<User> = await store.users.list({
      limit: PAGE,
      ...(cursor === null ? {} : { cursor }),
    });
    found.push(...page.items.filter((user) => user.source === 'ldap'));
    cursor = page.nextCursor;
  } while (cursor !== null);
  return found;
}
