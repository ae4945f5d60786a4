// Records as the rows of `COPY ... FROM STDIN` in PostgreSQL's text format: one line per
// record, columns separated by tabs, NULL as `\N`, and backslash, newline, carriage return and
// tab escaped in values. Rows are produced in chunks of about CHUNK_BYTES as the connection
// takes them, so a batch is never held as one giant string.
//
// Text, not binary: measured with bench/postgres-copy.ts (200k generated nginx records, fields
// `all`, local PostgreSQL 15 on the same loaded 2-core machine, three runs). End to end on one
// connection the two are within noise (text 66-77k records/s, binary 65-81k); binary saves the
// server 0-30% (no timestamp or integer parsing; jsonb is parsed from text either way), and this
// encoder is as fast as a binary one in JS (170-190k against 110-180k records per CPU-second).
// Text keeps what matters more: the server reads every value with the column type's own input
// function, so an existing table may use any type (int8 for a kept field, inet for `source`)
// and a value that does not fit is refused by PostgreSQL with its message and COPY line, where
// binary would need an encoder, and a validator, per type.
//
// A NUL character is passed through as it is: PostgreSQL text cannot hold it, and the server
// refuses the row (SQLSTATE 22021, naming the COPY line), which errors.ts reports as rejected
// data, the same way as any other value the column cannot take.

import type { RequestRecord } from '../../parse/request-record.js';
import type { PlannedColumn } from './existing-table.js';

/** About 64 KiB of rows per chunk: big enough to amortise a CopyData message, small enough to stream. */
const CHUNK_BYTES = 64 * 1024;
/** Room past CHUNK_BYTES for the row that crosses it, so that a chunk seldom needs a bigger buffer. */
const SLACK_BYTES = 16 * 1024;
/** A NULL field. */
const NULL = '\\N';

const SPECIAL = /[\\\n\r\t]/;
const SPECIAL_ALL = /[\\\n\r\t]/g;
const ESCAPES: Readonly<Record<string, string>> = { '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/** `value` as a field of a COPY text row (not NULL: that is `\N`). */
export function copyTextField(value: string): string {
  return SPECIAL.test(value) ? value.replace(SPECIAL_ALL, (special) => ESCAPES[special] as string) : value;
}

/**
 * JSON text (of JSON.stringify) as a field of a COPY text row: JSON writes newline, carriage
 * return and tab as escapes, so only its backslashes need escaping again.
 */
function copyJsonField(json: string | undefined): string | undefined {
  return json?.includes('\\') === true ? json.replaceAll('\\', '\\\\') : json;
}

/** The field of one column for one record, escaped for COPY, or undefined for NULL. */
type Field = (record: RequestRecord) => string | undefined;

export interface Origin {
  project: string;
  logstore: string;
}

export class CopyTextEncoder {
  readonly #fields: readonly Field[];
  /**
   * The end of every row: the trailing columns whose value is the same for every record (the
   * origin's, last in the layout), tab-separated, and the newline. Made once, not per record.
   */
  readonly #end: string;

  constructor(columns: readonly PlannedColumn[], origin: Origin) {
    const own = new Set(columns.filter((column) => column.from === 'record').map((column) => column.key));
    let varying = columns.length;
    while (varying > 1 && columns[varying - 1]?.from === 'origin') varying--;
    this.#fields = columns.slice(0, varying).map((column) => fieldOf(column, origin, own));
    this.#end = `${columns.slice(varying).map((column) => `\t${originField(column, origin)}`).join('')}\n`;
  }

  /** The rows of `records`, in order, about CHUNK_BYTES at a time. */
  *chunks(records: readonly RequestRecord[]): Generator<Buffer> {
    const fields = this.#fields;
    const count = fields.length;
    const end = this.#end;
    const out = new ChunkBuffer();
    for (const record of records) {
      // A row is one string, written once: a Buffer write per field cost more than joining them (measured).
      let row = (fields[0] as Field)(record) ?? NULL;
      for (let i = 1; i < count; i++) row += `\t${(fields[i] as Field)(record) ?? NULL}`;
      out.text(row + end);
      if (out.length >= CHUNK_BYTES) yield out.take();
    }
    if (out.length > 0) yield out.take();
  }
}

/**
 * The bytes of a chunk, written row by row as UTF-8 into one buffer: no string as long as a
 * chunk is built (joining the rows and converting that cost about a fifth more CPU, measured).
 */
class ChunkBuffer {
  #buffer = Buffer.allocUnsafe(CHUNK_BYTES + SLACK_BYTES);
  length = 0;

  text(value: string): void {
    this.#room(value.length * 3); // the most UTF-8 bytes a UTF-16 string can take
    this.length += this.#buffer.write(value, this.length, 'utf8');
  }

  /** The bytes so far; the next ones go to a new buffer, as the caller keeps these. */
  take(): Buffer {
    const chunk = this.#buffer.subarray(0, this.length);
    this.#buffer = Buffer.allocUnsafe(CHUNK_BYTES + SLACK_BYTES);
    this.length = 0;
    return chunk;
  }

  #room(bytes: number): void {
    if (this.length + bytes <= this.#buffer.length) return;
    const grown = Buffer.allocUnsafe(Math.max(this.#buffer.length * 2, this.length + bytes));
    this.#buffer.copy(grown, 0, 0, this.length);
    this.#buffer = grown;
  }
}

/** An origin column's field: the same for every record. */
function originField(column: PlannedColumn, origin: Origin): string {
  const value = column.key === 'project' ? origin.project : origin.logstore;
  return copyTextField(column.encoding === 'json' ? JSON.stringify(value) : value);
}

function fieldOf(column: PlannedColumn, origin: Origin, own: ReadonlySet<string>): Field {
  if (column.from === 'origin') {
    const written = originField(column, origin);
    return () => written;
  }
  if (column.from === 'extras') {
    const extras = new ExtrasJson(own);
    return (record) => extras.of(record);
  }
  const key = column.key;
  if (column.encoding === 'text') return (record) => textOf(record[key]);
  // The records of one log group share their tags object: its JSON is made once per group.
  let last: unknown;
  let lastJson: string | undefined;
  return (record) => {
    const value = record[key];
    if (value !== last || lastJson === undefined) {
      last = value;
      lastJson = value === undefined ? undefined : copyJsonField(JSON.stringify(value));
    }
    return lastJson;
  };
}

/** A value as the column type's text input reads it: strings as they are, anything else as JSON. */
function textOf(value: unknown): string | undefined {
  if (typeof value === 'string') return copyTextField(value);
  // status, shard and index: a number's text has nothing to escape.
  if (typeof value === 'number') return String(value);
  if (value === undefined || value === null) return undefined;
  return typeof value === 'object' ? copyJsonField(JSON.stringify(value)) : copyTextField(String(value));
}

/** A string that JSON writes as it is between quotes: nothing to escape for JSON, nor then for COPY. */
// eslint-disable-next-line no-control-regex -- JSON escapes the control characters: they are the point here
const PLAIN_JSON = /^[^"\\\u0000-\u001f]*$/;
const MAX_CACHED_KEYS = 10_000;

/**
 * The record keys that have no column of their own (fields `all`), as one JSON object. This is
 * most of the encoding work for nginx logs (a dozen kept fields a record), so the keys' JSON
 * is kept between records, and plain string values skip JSON.stringify.
 */
class ExtrasJson {
  readonly #own: ReadonlySet<string>;
  /** `"key":` as escaped for COPY, by key; undefined for keys that have their own column. */
  readonly #prefixes = new Map<string, string | undefined>();
  /**
   * The keys of the records seen so far by their place in for-in order, with their prefixes:
   * records of one shape find theirs here without a lookup by key.
   */
  readonly #placeKeys: string[] = [];
  readonly #placePrefixes: (string | undefined)[] = [];

  constructor(own: ReadonlySet<string>) {
    this.#own = own;
  }

  /** The object, escaped for COPY; undefined (NULL) when there are no such keys. */
  of(record: RequestRecord): string | undefined {
    // Built as text rather than as an object: no object per record, and a key such as
    // `__proto__` stays an ordinary key.
    let json: string | undefined;
    let place = 0;
    for (const key in record) {
      let prefix: string | undefined;
      if (this.#placeKeys[place] === key) prefix = this.#placePrefixes[place];
      else {
        prefix = this.#prefix(key);
        this.#placeKeys[place] = key;
        this.#placePrefixes[place] = prefix;
      }
      place++;
      if (prefix === undefined) continue;
      const value = record[key];
      let written: string | undefined;
      if (typeof value === 'string' && PLAIN_JSON.test(value)) written = `"${value}"`;
      else {
        written = copyJsonField(JSON.stringify(value) as string | undefined);
        if (written === undefined) continue;
      }
      json = json === undefined ? `{${prefix}${written}` : `${json},${prefix}${written}`;
    }
    return json === undefined ? undefined : `${json}}`;
  }

  #prefix(key: string): string | undefined {
    let prefix = this.#prefixes.get(key);
    if (prefix === undefined && !this.#prefixes.has(key)) {
      prefix = this.#own.has(key) ? undefined : `${copyTextField(JSON.stringify(key))}:`;
      // Bounded, for sources whose keys never repeat: past it, keys are escaped each time.
      if (this.#prefixes.size < MAX_CACHED_KEYS) this.#prefixes.set(key, prefix);
    }
    return prefix;
  }
}
