import type { Me } from '../types.ts';

/** A group the user is a member of, as GET /me lists it. */
export interface AccountGroup {
  id: string;
  name: string;
  /** A role: one of the groups offered by name when a user is made. */
  role: boolean;
  permissions: string[];
}

/** GET /me: who the user is, and where each of their permissions comes from. */
export interface Account extends Me {
  /** Granted to the user directly, not through a group. */
  directPermissions: string[];
  /** Their groups, roles first. */
  groups: AccountGroup[];
}
