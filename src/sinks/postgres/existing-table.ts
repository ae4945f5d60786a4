// An existing table, matched against the layout the sink would create: each column of the
// layout goes to the table's column of that name (after sink.columns), if it exists and its type
// can take the value. What cannot work is refused at open, naming the table and the column,
// rather than failing every commit later.

import { SinkError } from '../sink-error.js';
import { DEDUPE_KEYS, REQUIRED_KEYS, type LayoutColumn, type ValueKind } from './table-layout.js';

/** One row of information_schema.columns, as the sink reads it. */
export interface TableColumn {
  name: string;
  /** The type's name as pg_type has it (`int4`, `timestamptz`, `jsonb`, `_text`, ...). */
  type: string;
  nullable: boolean;
  hasDefault: boolean;
}

/** How a value is written into its column: as JSON text (json, jsonb), or as the column type's text input. */
export type Encoding = 'json' | 'text';

export interface PlannedColumn extends LayoutColumn {
  encoding: Encoding;
}

export interface TableMatch {
  columns: PlannedColumn[];
  /** Layout columns the table has no column for: their values are not stored. */
  dropped: LayoutColumn[];
}

const JSON_TYPES: ReadonlySet<string> = new Set(['json', 'jsonb']);
const TEXT_TYPES = ['text', 'varchar'];

/** Column types that can take each kind of value; a `text` value goes to any type whose input parses it. */
const ACCEPTED: Readonly<Record<Exclude<ValueKind, 'text'>, ReadonlySet<string>>> = {
  time: new Set(['timestamptz', 'timestamp', ...TEXT_TYPES]),
  integer: new Set(['int2', 'int4', 'int8', 'numeric', 'float4', 'float8', ...TEXT_TYPES]),
  json: new Set([...JSON_TYPES, ...TEXT_TYPES]),
};

export function encodingOf(type: string): Encoding {
  return JSON_TYPES.has(type) ? 'json' : 'text';
}

/** The layout as `table` can store it; throws a SinkError (TableMismatch) when it cannot. */
export function matchTable(table: string, layout: readonly LayoutColumn[], existing: readonly TableColumn[], dedupe: boolean): TableMatch {
  const byName = new Map(existing.map((column) => [column.name, column]));
  const required = new Set<string>(dedupe ? [...REQUIRED_KEYS, ...DEDUPE_KEYS] : REQUIRED_KEYS);
  const columns: PlannedColumn[] = [];
  const dropped: LayoutColumn[] = [];
  for (const wanted of layout) {
    const found = byName.get(wanted.name);
    if (found === undefined) {
      if (required.has(wanted.key)) {
        const why = REQUIRED_KEYS.has(wanted.key) ? 'every row needs it' : 'sink.dedupe needs it';
        throw mismatch(table, `has no column ${JSON.stringify(wanted.name)} for ${wanted.key} (${why}): add it, or name the column that holds it in sink.columns`);
      }
      dropped.push(wanted);
      continue;
    }
    if (wanted.kind !== 'text' && !ACCEPTED[wanted.kind].has(found.type)) {
      throw mismatch(
        table,
        `column ${JSON.stringify(found.name)} has type ${found.type}, which cannot hold ${wanted.key} (${wanted.kind}): ` +
          `change its type to one of ${[...ACCEPTED[wanted.kind]].join(', ')}, or map ${wanted.key} to another column in sink.columns`,
      );
    }
    columns.push({ ...wanted, encoding: encodingOf(found.type) });
  }
  const filled = new Set(columns.map((column) => column.name));
  const unfilled = existing.filter((column) => !column.nullable && !column.hasDefault && !filled.has(column.name));
  if (unfilled.length > 0) {
    const names = unfilled.map((column) => JSON.stringify(column.name)).join(', ');
    throw mismatch(table, `has NOT NULL column(s) ${names} without a default, which sluice does not fill: give them a default, allow NULL, or map a record key to them in sink.columns`);
  }
  return { columns, dropped };
}

function mismatch(table: string, message: string): SinkError {
  return new SinkError({ code: 'TableMismatch', retryable: false, message: `postgres sink: table ${table} ${message}` });
}
