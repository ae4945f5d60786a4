// The columns the sink fills, derived from the parse configuration: the standard record keys
// with their types, the kept fields (one text column each, or one jsonb column `fields` for
// `all`), the position, and the SLS project and logstore the records came from (the dedupe key
// needs them, and a table shared by several logstores tells its rows apart by them).
// `sink.columns` renames columns; it cannot add keys the records do not have.

import { DERIVED_KEYS, keptFields } from '../../parse/request-parser.js';
import { SinkError } from '../sink-error.js';

/** How a value is typed: the column type a created table uses, and what an existing one may use. */
export type ValueKind = 'time' | 'text' | 'integer' | 'json';

export interface LayoutColumn {
  /** The record key whose value fills the column; for `origin` and `extras` columns, their own name. */
  key: string;
  /** The column's name in the table. */
  name: string;
  kind: ValueKind;
  /**
   * `record`: the record's value under `key`. `origin`: the SLS project or logstore, the same
   * for every row. `extras`: (fields `all`) every record key that has no column of its own.
   */
  from: 'record' | 'origin' | 'extras';
}

export interface LayoutOptions {
  /** parse.fields: the SLS keys records keep. */
  fields: 'all' | readonly string[];
  /** sink.columns: record key -> column name, where they differ. */
  columns?: Readonly<Record<string, string>>;
}

/** Column type of a created table, by kind. */
export const CREATED_TYPE: Readonly<Record<ValueKind, string>> = { time: 'timestamptz', text: 'text', integer: 'integer', json: 'jsonb' };

/** The keys of the dedupe key, in index order. */
export const DEDUPE_KEYS = ['project', 'logstore', 'shard', 'cursor', 'index'] as const;

/** Keys whose column must exist: without the time and position, no row can be traced back or deduped. */
export const REQUIRED_KEYS: ReadonlySet<string> = new Set(['time', 'shard', 'cursor', 'index']);

const HEAD: readonly (readonly [string, ValueKind])[] = [['time', 'time'], ['method', 'text'], ['path', 'text'], ['query', 'json'], ['status', 'integer']];
const TAIL: readonly (readonly [string, ValueKind])[] = [['topic', 'text'], ['source', 'text'], ['tags', 'json'], ['shard', 'integer'], ['cursor', 'text'], ['index', 'integer']];
const ORIGIN = ['project', 'logstore'] as const;
const EXTRAS = 'fields';
/** PostgreSQL cuts longer identifiers short (NAMEDATALEN - 1), so a longer name would never match. */
const MAX_NAME_BYTES = 63;

/** The columns, in table order, for `options`; throws a SinkError when names collide. */
export function tableLayout(options: LayoutOptions): LayoutColumn[] {
  const renamed = options.columns ?? {};
  const kept = keptFields(options.fields);
  const own = new Set<string>([...ORIGIN, ...(kept === undefined ? [EXTRAS] : [])]);
  const clash = kept?.find((key) => own.has(key));
  if (clash !== undefined) {
    throw invalidConfig(`parse.fields keeps ${JSON.stringify(clash)}, the name of a column sluice fills itself (${[...own].join(', ')}): leave it out of parse.fields`);
  }
  // With `all`, a key named in sink.columns gets a column of its own instead of a place in `fields`.
  const named = Object.keys(renamed).filter((key) => !DERIVED_KEYS.has(key) && !own.has(key));
  const extraKeys = kept ?? named;
  const unknown = kept === undefined ? [] : named.filter((key) => !kept.includes(key));
  if (unknown.length > 0) {
    throw invalidConfig(`sink.columns names ${unknown.map((key) => JSON.stringify(key)).join(', ')}, which records do not have: parse.fields does not keep them`);
  }
  const column = (key: string, kind: ValueKind, from: LayoutColumn['from'] = 'record'): LayoutColumn => ({ key, name: renamed[key] ?? key, kind, from });
  const layout = [
    ...HEAD.map(([key, kind]) => column(key, kind)),
    ...extraKeys.map((key) => column(key, 'text')),
    ...(kept === undefined ? [column(EXTRAS, 'json', 'extras')] : []),
    ...TAIL.map(([key, kind]) => column(key, kind)),
    ...ORIGIN.map((key) => column(key, 'text', 'origin')),
  ];
  checkNames(layout);
  return layout;
}

function checkNames(layout: readonly LayoutColumn[]): void {
  const byName = new Map<string, string>();
  for (const { key, name } of layout) {
    const other = byName.get(name);
    if (other !== undefined) throw invalidConfig(`${JSON.stringify(other)} and ${JSON.stringify(key)} would both go to column ${JSON.stringify(name)}: give one another name in sink.columns`);
    if (Buffer.byteLength(name) > MAX_NAME_BYTES) {
      throw invalidConfig(`column name ${JSON.stringify(name)} is longer than PostgreSQL's ${MAX_NAME_BYTES} bytes: give ${JSON.stringify(key)} a shorter one in sink.columns`);
    }
    byName.set(name, key);
  }
}

function invalidConfig(message: string): SinkError {
  return new SinkError({ code: 'InvalidConfig', retryable: false, message: `postgres sink: ${message}` });
}
