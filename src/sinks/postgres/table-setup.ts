// What open() does to the database: makes sure the schema and the table exist (creating them
// from the layout if not), or matches an existing table's columns, and, with dedupe, makes sure
// the unique key that absorbs replays is there. All in one transaction under an advisory lock,
// so that several sluice processes starting at once against one table do not race each other
// into "relation already exists". `sluice validate` runs the same steps in a transaction it
// rolls back: whatever would fail at open fails there, and nothing is left behind.

import { escapeIdentifier, escapeLiteral, type ClientBase } from 'pg';
import { SinkError } from '../sink-error.js';
import { encodingOf, matchTable, type PlannedColumn, type TableColumn, type TableMatch } from './existing-table.js';
import type { PostgresSinkConfig } from './config.js';
import { CREATED_TYPE, DEDUPE_KEYS, tableLayout, type LayoutColumn } from './table-layout.js';

export interface TableSpec {
  schema: string;
  table: string;
  layout: readonly LayoutColumn[];
  dedupe: boolean;
}

export interface PreparedTable extends TableMatch {
  /** Whether open() created the table. */
  created: boolean;
}

/** The table `config` writes to, with the columns that `fields` (parse.fields) and its renames give it. */
export function tableSpec(config: Pick<PostgresSinkConfig, 'schema' | 'table' | 'columns' | 'dedupe'>, fields: 'all' | readonly string[]): TableSpec {
  return { schema: config.schema, table: config.table, layout: tableLayout({ fields, columns: config.columns }), dedupe: config.dedupe };
}

/** `"schema"."table"`, quoted for SQL (and for messages, which then name it exactly). */
export function qualifiedName(spec: Pick<TableSpec, 'schema' | 'table'>): string {
  return `${escapeIdentifier(spec.schema)}.${escapeIdentifier(spec.table)}`;
}

/**
 * Creates or checks the table of `spec`; throws a SinkError, or the database's error for
 * errors.ts to explain. With `dryRun`, everything is rolled back at the end: `created` then
 * says that open() would create the table, and that it could.
 */
export async function prepareTable(client: ClientBase, spec: TableSpec, { dryRun = false } = {}): Promise<PreparedTable> {
  const table = qualifiedName(spec);
  await client.query('BEGIN');
  try {
    await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [table]);
    const existing = await tableColumns(client, spec);
    const prepared = existing.length === 0 ? await createTable(client, spec, table) : { ...matchTable(table, spec.layout, existing, spec.dedupe), created: false };
    if (spec.dedupe && !prepared.created) await checkDedupeKey(client, spec, prepared.columns);
    await client.query(dryRun ? 'ROLLBACK' : 'COMMIT');
    return prepared;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined); // the error that made it roll back is the one to report
    throw error;
  }
}

/** The table's columns that can be written (generated ones cannot); none when it does not exist. */
async function tableColumns(client: ClientBase, { schema, table }: TableSpec): Promise<TableColumn[]> {
  const result = await client.query<TableColumn>(
    `SELECT column_name AS name, udt_name AS type, is_nullable = 'YES' AS nullable,
            (column_default IS NOT NULL OR is_identity = 'YES') AS "hasDefault"
       FROM information_schema.columns
      WHERE table_schema = $1 AND table_name = $2 AND is_generated = 'NEVER'
      ORDER BY ordinal_position`,
    [schema, table],
  );
  return result.rows;
}

async function createTable(client: ClientBase, spec: TableSpec, table: string): Promise<PreparedTable> {
  // Looked up rather than CREATE SCHEMA IF NOT EXISTS: that needs the CREATE privilege on the
  // database even when the schema exists, which a user writing into a given schema may lack.
  const schema = await client.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [spec.schema]);
  if (schema.rowCount === 0) await client.query(`CREATE SCHEMA ${escapeIdentifier(spec.schema)}`);
  const columns: PlannedColumn[] = spec.layout.map((column) => ({ ...column, encoding: encodingOf(CREATED_TYPE[column.kind]) }));
  const definitions = columns.map((column) => `${escapeIdentifier(column.name)} ${CREATED_TYPE[column.kind]}`);
  await client.query(`CREATE TABLE IF NOT EXISTS ${table} (\n  ${definitions.join(',\n  ')}\n)`);
  if (spec.dedupe) await client.query(createDedupeIndex(table, spec.table, columns));
  return { columns, dropped: [], created: true };
}

/** The names of the dedupe key's columns, in index order. */
export function dedupeColumns(columns: readonly PlannedColumn[]): string[] {
  return DEDUPE_KEYS.map((key) => {
    const column = columns.find((candidate) => candidate.key === key);
    // matchTable requires these columns with dedupe on: only a bug reaches this.
    if (column === undefined) throw new Error(`dedupe column ${key} is not in the table plan`);
    return column.name;
  });
}

function createDedupeIndex(table: string, tableName: string, columns: readonly PlannedColumn[]): string {
  const names = dedupeColumns(columns).map((name) => escapeIdentifier(name));
  return `CREATE UNIQUE INDEX IF NOT EXISTS ${escapeIdentifier(`${tableName}_sluice_dedupe`)} ON ${table} (${names.join(', ')})`;
}

/** An existing table must have a unique index on exactly the dedupe columns: ON CONFLICT infers it. */
async function checkDedupeKey(client: ClientBase, spec: TableSpec, columns: readonly PlannedColumn[]): Promise<void> {
  const table = qualifiedName(spec);
  const wanted = dedupeColumns(columns);
  const result = await client.query<{ columns: string[] }>(
    `SELECT array_agg(a.attname::text) AS columns
       FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey)
      WHERE i.indrelid = ${escapeLiteral(table)}::regclass AND i.indisunique AND i.indisvalid
        AND i.indpred IS NULL AND i.indexprs IS NULL
      GROUP BY i.indexrelid`,
  );
  const found = result.rows.some((row) => row.columns.length === wanted.length && wanted.every((name) => row.columns.includes(name)));
  if (found) return;
  throw new SinkError({
    code: 'TableMismatch',
    retryable: false,
    message:
      `postgres sink: sink.dedupe needs a unique index on table ${table} over exactly (${wanted.join(', ')}), and it has none: ` +
      `create it (after removing duplicate rows) with ${createDedupeIndex(table, spec.table, columns)}, or turn sink.dedupe off`,
  });
}
