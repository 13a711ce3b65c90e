import { randomUUID } from 'node:crypto';
import { auditEvent } from '../domain/audit.ts';
import { AppError, notFound, validationError } from '../domain/errors.ts';
import { mayQuery, type QueryingUser } from '../domain/data-source-access.ts';
import { PERMISSIONS } from '../domain/permissions.ts';
import type { DataSource } from '../domain/settings.ts';
import { DataSourceCreateInput, DataSourceUpdateInput } from '../domain/settings-schema.ts';
import { compileValidator } from '../domain/validation.ts';
import { requirePermission, requirePlanner, type Caller } from '../auth/caller.ts';
import { queryDatabase } from '../datasources/query-database.ts';
import type { QueryResult } from '../plugins/run-host.ts';
import { SECRET_MASK, type SecretBox } from '../secrets/secret-box.ts';
import type { Store } from '../store/store.ts';
import { coerceError } from '../domain/coerce-error.ts';

const validateCreate = compileValidator(DataSourceCreateInput);
const validateUpdate = compileValidator(DataSourceUpdateInput);

/** A data source as the API shows it: the password masked. */
export type DataSourceView = Omit<DataSource, 'password'> & { password: string };

/** What a user who may not manage data sources sees of one they may query. */
export interface DataSourceSummary {
  id: string;
  name: string;
  kind: DataSource['kind'];
}

function view(source: DataSource): DataSourceView {
  return { ...source, password: source.password === '' ? '' : SECRET_MASK };
}

/** Databases administrators make available to tasks by name, with who may query them. */
export class DataSourceService {
  constructor(
    private readonly store: Store,
    private readonly box: SecretBox,
    private readonly now: () => Date,
  ) {}

  /** Administrators see every data source; others the ones they may query, in summary. */
  async list(caller: Caller): Promise<DataSourceView[] | DataSourceSummary[]> {
    const all = await this.store.dataSources.list();
    if (caller.permissions.has(PERMISSIONS.settingsManage)) return all.map(view);
    requirePlanner(caller);
    const user = caller.user;
    if (!user) return [];
    const querying = { id: user.id, groupIds: user.groupIds, permissions: caller.permissions };
    return all
      .filter((source) => mayQuery(source, querying))
      .map(({ id, name, kind }) => ({ id, name, kind }));
  }

  async get(caller: Caller, id: string): Promise<DataSourceView> {
    requirePermission(caller, PERMISSIONS.settingsManage);
    return view(await this.#require(id));
  }

  async create(caller: Caller, raw: unknown): Promise<DataSourceView> {
    requirePermission(caller, PERMISSIONS.settingsManage);
    const input = validateCreate(raw);
    if (input.password === SECRET_MASK) {
      throw validationError([{ path: '/password', message: 'no stored password to keep' }]);
    }
    const now = this.now();
    const source: DataSource = {
      id: randomUUID(),
      name: input.name.trim(),
      kind: input.kind,
      location: input.location,
      password: this.box.seal(input.password ?? ''),
      access: input.access,
      createdAt: now,
      updatedAt: now,
    };
    await this.store.transaction(async (store) => {
      if (!(await store.dataSources.insert(source))) {
        throw new AppError('NAME_TAKEN', `A data source named '${source.name}' already exists`);
      }
      await store.audit.append(
        auditEvent(caller.actor, now, 'data-source.create', 'data-source', source.id, {
          name: source.name,
          kind: source.kind,
        }),
      );
    });
    return view(source);
  }

  async update(caller: Caller, id: string, raw: unknown): Promise<DataSourceView> {
    requirePermission(caller, PERMISSIONS.settingsManage);
    const input = validateUpdate(raw);
    const now = this.now();
    return this.store.transaction(async (store) => {
      const before = await store.dataSources.get(id);
      if (!before) throw notFound('Data source');
      const { password, ...rest } = input;
      const after: DataSource = {
        ...before,
        ...rest,
        ...(rest.name !== undefined ? { name: rest.name.trim() } : {}),
        ...(password !== undefined && password !== SECRET_MASK
          ? { password: this.box.seal(password) }
          : {}),
        updatedAt: now,
      };
      await store.dataSources.update(after);
      await store.audit.append(
        auditEvent(caller.actor, now, 'data-source.update', 'data-source', id, {
          name: after.name,
          changed: Object.keys(input),
        }),
      );
      return view(after);
    });
  }

  async delete(caller: Caller, id: string): Promise<void> {
    requirePermission(caller, PERMISSIONS.settingsManage);
    await this.store.transaction(async (store) => {
      const before = await store.dataSources.get(id);
      if (!before || !(await store.dataSources.delete(id))) throw notFound('Data source');
      await store.audit.append(
        auditEvent(caller.actor, this.now(), 'data-source.delete', 'data-source', id, {
          name: before.name,
        }),
      );
    });
  }

  /** Connects and runs a trivial query; reports what went wrong instead of throwing. */
  async test(caller: Caller, id: string): Promise<{ ok: boolean; message: string }> {
    requirePermission(caller, PERMISSIONS.settingsManage);
    const source = await this.#require(id);
    try {
      await queryDatabase(this.#target(source), 'select 1 as ok', () => undefined);
      return { ok: true, message: `connected to ${source.kind} data source '${source.name}'` };
    } catch (error) {
      return { ok: false, message: coerceError(error).message };
    }
  }

  /** Runs a query for a task's owner; refused unless the owner may query that data source. */
  async query(
    user: QueryingUser,
    name: string,
    sql: string,
    resolve: (placeholder: string, format: string | undefined) => unknown,
    signal?: AbortSignal,
  ): Promise<QueryResult> {
    const source = await this.store.dataSources.getByName(name);
    if (!source || !mayQuery(source, user)) {
      throw new Error(
        `the data source '${name}' does not exist or the task's owner may not use it`,
      );
    }
    return queryDatabase(this.#target(source), sql, resolve, signal);
  }

  #target(source: DataSource) {
    return {
      kind: source.kind,
      location: source.location,
      password: this.box.open(source.password),
    };
  }

  async #require(id: string): Promise<DataSource> {
    const source = await this.store.dataSources.get(id);
    if (!source) throw notFound('Data source');
    return source;
  }
}
