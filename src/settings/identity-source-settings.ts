import type { Static, TObject } from '@sinclair/typebox';
import { requirePermission, type Caller } from '../auth/caller.ts';
import { requireUserWithin } from '../auth/grant-limits.ts';
import { requireJoinableGroups } from '../auth/group-service.ts';
import { auditEvent } from '../domain/audit.ts';
import { AppError, validationError, type FieldIssue } from '../domain/errors.ts';
import { PERMISSIONS } from '../domain/permissions.ts';
import type { User, UserSource } from '../domain/user.ts';
import { compileValidator } from '../domain/validation.ts';
import {
  MaskedSecretError,
  maskSecrets,
  openSecrets,
  sealSecrets,
} from '../secrets/protect-config.ts';
import { SECRET_MASK, type SecretBox } from '../secrets/secret-box.ts';
import type { Page, Store } from '../store/store.ts';

/** Settings that map outside groups to local ones. */
interface WithGroupMap {
  groupMap: Array<{ groupId: string }>;
}

/** What one kind of outside identity source (LDAP, OpenID Connect) is, for its settings. */
export interface IdentitySourceSpec<Schema extends TObject> {
  /** The setting's key, also the audit event's object id and action (settings.<key>). */
  key: string;
  schema: Schema;
  /** The accounts this source vouches for. */
  source: Exclude<UserSource, 'local'>;
  /** The secret field, kept when sent masked (or left out) for the same destination. */
  secretField: keyof Static<Schema> & string;
  /** Where the secret goes: a new destination needs the secret again. */
  destinationFields: ReadonlyArray<keyof Static<Schema>>;
  /** The fields that decide who an account is: changing them hands over the accounts. */
  identityFields: ReadonlyArray<keyof Static<Schema>>;
  /** Further checks of an input that matches the schema. */
  check(input: Static<Schema>): void;
  /** What the audit event records (never the secret). */
  auditDetails(input: Static<Schema>): Record<string, unknown>;
}

/**
 * The stored settings of an outside identity source, for holders of settings.manage: the secret
 * sealed and shown masked, and kept only for the destination it was given for. Mapping an
 * outside group to a local one needs every permission of that group, and changing who the
 * source's users are needs everything those users hold, as putting people into groups would.
 */
export class IdentitySourceSettings<Schema extends TObject, Settings extends WithGroupMap> {
  readonly #validate;

  constructor(
    private readonly store: Store,
    private readonly box: SecretBox,
    private readonly now: () => Date,
    private readonly spec: IdentitySourceSpec<Schema>,
  ) {
    this.#validate = compileValidator(spec.schema);
  }

  /** The settings with the secret in clear, or null when none are set. */
  async current(store: Store = this.store): Promise<Settings | null> {
    const stored = await this.#stored(store);
    return stored && (openSecrets(this.box, this.spec.schema, stored) as Settings);
  }

  /** The settings as an administrator sees them: the secret masked. */
  async get(caller: Caller): Promise<Settings | null> {
    requirePermission(caller, PERMISSIONS.settingsManage);
    const stored = await this.#stored(this.store);
    return stored && (maskSecrets(this.spec.schema, stored) as Settings);
  }

  async replace(caller: Caller, raw: unknown): Promise<Settings> {
    requirePermission(caller, PERMISSIONS.settingsManage);
    const input = this.#validate(raw) as Static<Schema> & WithGroupMap;
    this.spec.check(input);
    const now = this.now();
    return this.store.transaction(async (store) => {
      await requireMappableGroups(store, caller, input.groupMap);
      const before = await this.#stored(store);
      if (this.#changesIdentity(before, input)) {
        await requireAccountsWithin(store, caller, this.spec.source);
      }
      const sealed = this.#sealed(input, before);
      await store.settings.set(this.spec.key, sealed, now);
      await this.#audit(store, caller, now, this.spec.auditDetails(input));
      return maskSecrets(this.spec.schema, sealed) as Settings;
    });
  }

  /**
   * Switches the source off: its accounts stay (with their tasks and API tokens) but can no
   * longer log in, and their browser sessions end.
   */
  async remove(caller: Caller): Promise<void> {
    requirePermission(caller, PERMISSIONS.settingsManage);
    const now = this.now();
    await this.store.transaction(async (store) => {
      await store.settings.set(this.spec.key, null, now);
      for (const user of await accountsFrom(store, this.spec.source)) {
        await store.sessions.deleteForUser(user.id);
      }
      await this.#audit(store, caller, now, { removed: true });
    });
  }

  async #audit(store: Store, caller: Caller, at: Date, details: Record<string, unknown>) {
    const { key } = this.spec;
    await store.audit.append(
      auditEvent(caller.actor, at, `settings.${key}`, 'settings', key, details),
    );
  }

  #changesIdentity(before: Settings | null, input: Static<Schema>): boolean {
    if (before === null) return true;
    const stored = before as unknown as Static<Schema>;
    return this.spec.identityFields.some((field) => stored[field] !== input[field]);
  }

  #sealed(input: Static<Schema>, before: Settings | null): Settings {
    const { secretField, destinationFields, schema } = this.spec;
    const stored = before as unknown as Record<string, unknown> | null;
    const sameDestination =
      stored !== null &&
      destinationFields.every((field) => stored[field as string] === input[field]);
    const keep = sameDestination && stored[secretField] !== '' ? SECRET_MASK : undefined;
    const secret = (input[secretField] as string | undefined) ?? keep;
    if (secret === undefined || (secret === SECRET_MASK && !sameDestination)) {
      const fields = destinationFields.map(String).join(' or ');
      const message = `is needed for a new ${fields}`;
      throw validationError([{ path: `/${secretField}`, message }]);
    }
    try {
      return sealSecrets(this.box, schema, { ...input, [secretField]: secret }, before) as Settings;
    } catch (error) {
      if (!(error instanceof MaskedSecretError)) throw error;
      throw validationError([{ path: `/${secretField}`, message: 'no stored secret to keep' }]);
    }
  }

  async #stored(store: Store): Promise<Settings | null> {
    return ((await store.settings.get(this.spec.key)) as Settings | null | undefined) ?? null;
  }
}

/** Every account that an outside source vouches for, page by page. */
export async function accountsFrom(store: Store, source: UserSource): Promise<User[]> {
  const found: User[] = [];
  let cursor: string | null = null;
  do {
    const page: Page<User> = await store.users.list({
      limit: 500,
      ...(cursor === null ? {} : { cursor }),
    });
    found.push(...page.items.filter((user) => user.source === source));
    cursor = page.nextCursor;
  } while (cursor !== null);
  return found;
}

/** Whoever decides who a source's accounts are must hold everything those accounts hold. */
async function requireAccountsWithin(store: Store, caller: Caller, source: UserSource) {
  for (const user of await accountsFrom(store, source)) {
    try {
      await requireUserWithin(store, caller, user);
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      throw new AppError(error.code, `Changing who the ${source} users are: ${error.message}`);
    }
  }
}

/** Every mapped local group exists and the caller could put anyone into it. */
async function requireMappableGroups(
  store: Store,
  caller: Caller,
  groupMap: ReadonlyArray<{ groupId: string }>,
): Promise<void> {
  const groups = new Set((await store.groups.list()).map((group) => group.id));
  const issues: FieldIssue[] = groupMap.flatMap((each, index) =>
    groups.has(each.groupId)
      ? []
      : [{ path: `/groupMap/${index}/groupId`, message: 'is not a group' }],
  );
  if (issues.length > 0) throw validationError(issues);
  try {
    await requireJoinableGroups(store, caller, [...new Set(groupMap.map((each) => each.groupId))]);
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    throw new AppError(
      error.code,
      `Mapping an outside group to that local group: ${error.message}`,
    );
  }
}
