/** A column type reduced to what matters across dialects: the kind of value it holds. */
export type TypeFamily =
  'text' | 'integer' | 'real' | 'numeric' | 'blob' | 'boolean' | 'timestamp' | 'json' | 'other';

/** One column, as both dialects can describe it. */
export interface ColumnShape {
  name: string;
  family: TypeFamily;
  nullable: boolean;
}

/** One table: its columns in any order, and its primary key's columns in key order. */
export interface TableShape {
  name: string;
  columns: readonly ColumnShape[];
  primaryKey: readonly string[];
}

/**
 * One index other than a primary key's. An index that backs a unique constraint has no name
 * of its own (each dialect invents a different one), so it is named null and known by its
 * table and columns.
 */
export interface IndexShape {
  table: string;
  name: string | null;
  columns: readonly string[];
  unique: boolean;
  partial: boolean;
}

/** A migrated schema, normalized so that two dialects' schemas can be compared. */
export interface SchemaModel {
  tables: readonly TableShape[];
  indexes: readonly IndexShape[];
}

/** What one schema has and the other lacks, as facts such as `column runs.state: text not null`. */
export interface SchemaDiff {
  onlyInLeft: string[];
  onlyInRight: string[];
}

function tableFacts(table: TableShape): string[] {
  return [
    `table ${table.name}`,
    `primary key ${table.name}(${table.primaryKey.join(', ')})`,
    ...table.columns.map(
      (column) =>
        `column ${table.name}.${column.name}: ${column.family} ${column.nullable ? 'null' : 'not null'}`,
    ),
  ];
}

function indexFact(index: IndexShape): string {
  const kind = index.name === null ? 'unique constraint' : `${index.unique ? 'unique ' : ''}index`;
  const name = index.name === null ? '' : ` ${index.name}`;
  const partial = index.partial ? ' (partial)' : '';
  return `${kind}${name} on ${index.table}(${index.columns.join(', ')})${partial}`;
}

/** The schema as a sorted list of one-line facts, each naming the table it belongs to. */
export function schemaFacts(model: SchemaModel): string[] {
  return [...model.tables.flatMap(tableFacts), ...model.indexes.map(indexFact)].sort();
}

/** The facts each schema holds that the other does not. */
export function diffSchemas(left: SchemaModel, right: SchemaModel): SchemaDiff {
  const leftFacts = schemaFacts(left);
  const rightFacts = new Set(schemaFacts(right));
  const leftSet = new Set(leftFacts);
  return {
    onlyInLeft: leftFacts.filter((fact) => !rightFacts.has(fact)),
    onlyInRight: [...rightFacts].filter((fact) => !leftSet.has(fact)),
  };
}

/** A diff as a message listing, per side, what only that side has; empty when they agree. */
export function describeDiff(diff: SchemaDiff, leftName: string, rightName: string): string {
  const section = (name: string, facts: readonly string[]) =>
    facts.length === 0 ? [] : [`only in ${name}:`, ...facts.map((fact) => `  ${fact}`)];
  return [...section(leftName, diff.onlyInLeft), ...section(rightName, diff.onlyInRight)].join(
    '\n',
  );
}

/** The model with every column's family replaced as `mapping` says (others kept). */
export function mapFamilies(
  model: SchemaModel,
  mapping: Partial<Record<TypeFamily, TypeFamily>>,
): SchemaModel {
  return {
    ...model,
    tables: model.tables.map((table) => ({
      ...table,
      columns: table.columns.map((column) => ({
        ...column,
        family: mapping[column.family] ?? column.family,
      })),
    })),
  };
}
