import type { Kysely, Selectable } from 'kysely';
import { AppError } from '../../domain/errors.ts';
import type { DataSource, DataSourceKind } from '../../domain/settings.ts';
import type { DataSourceRepository } from '../store.ts';
import type { Database } from './schema.ts';
import type { DialectTraits } from './traits.ts';

function fromRow(row: Selectable<Database['data_sources']>): DataSource {
  return {
    id: row.id,
    name: row.name,
    kind: row.kind as DataSourceKind,
    location: row.location,
    password: row.password,
    access: JSON.parse(row.access) as DataSource['access'],
    createdAt: new Date(Number(row.created_at)),
    updatedAt: new Date(Number(row.updated_at)),
  };
}

function toRow(source: DataSource): Selectable<Database['data_sources']> {
  return {
    id: source.id,
    name: source.name,
    name_key: source.name.toLowerCase(),
    kind: source.kind,
    location: source.location,
    password: source.password,
    access: JSON.stringify(source.access),
    created_at: source.createdAt.getTime(),
    updated_at: source.updatedAt.getTime(),
  };
}

/** The data sources administrators configure; names are unique regardless of case. */
export class SqlDataSourceRepository implements DataSourceRepository {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly traits: DialectTraits,
  ) {}

  async list(): Promise<DataSource[]> {
    const rows = await this.db.selectFrom('data_sources').selectAll().orderBy('name_key').execute();
    return rows.map(fromRow);
  }

  async get(id: string): Promise<DataSource | undefined> {
    const row = await this.db
      .selectFrom('data_sources')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    return row && fromRow(row);
  }

  async getByName(name: string): Promise<DataSource | undefined> {
    const row = await this.db
      .selectFrom('data_sources')
      .selectAll()
      .where('name_key', '=', name.toLowerCase())
      .executeTakeFirst();
    return row && fromRow(row);
  }

  async insert(source: DataSource): Promise<boolean> {
    const result = await this.db
      .insertInto('data_sources')
      .values(toRow(source))
      .onConflict((conflict) => conflict.column('name_key').doNothing())
      .executeTakeFirst();
    return result.numInsertedOrUpdatedRows !== 0n;
  }

  async update(source: DataSource): Promise<boolean> {
    const { id: _id, created_at: _created, ...changes } = toRow(source);
    try {
      const result = await this.db
        .updateTable('data_sources')
        .set(changes)
        .where('id', '=', source.id)
        .executeTakeFirst();
      return result.numUpdatedRows > 0n;
    } catch (error) {
      if (this.traits.isUniqueViolation(error))
        throw new AppError('NAME_TAKEN', `A data source named '${source.name}' already exists`);
      throw error;
    }
  }

  async delete(id: string): Promise<boolean> {
    const result = await this.db.deleteFrom('data_sources').where('id', '=', id).executeTakeFirst();
    return result.numDeletedRows > 0n;
  }
}
