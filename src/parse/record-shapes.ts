// A compiled record constructor per key sequence of SLS contents ("shape"), so that building a
// record is a run of named stores instead of keyed ones.
//
// Why: V8 gives an object built by keyed stores (`record[key] = value` for each content key)
// fast properties only up to about a dozen out-of-object fields; a request record has 20-40
// keys, so it would become a hash-table ("dictionary") object, several times slower to build
// and about 1.5x slower to JSON.stringify. A function compiled for one key sequence stores
// each key by name, gets its object size right from V8's slack tracking and keeps every
// record of the shape on one hidden class. Logs of one logstore have few shapes, so a few
// compilations serve millions of records.
//
// Safety: content keys come from the logs, so they enter the generated source only as
// JSON.stringify'd string literals (valid JavaScript string literals, whatever the key holds).
// `__proto__` would run the prototype setter as a named store: such shapes are not compiled.

import type { Query } from './request-uri.js';
import type { RequestRecord } from './request-record.js';

/** Builds one record of a shape; `tags` undefined leaves the key out. Arguments are the record's values in key order. */
export type RecordBuilder = new (
  time: string,
  fields: Record<string, string>,
  path: string | undefined,
  query: Query | undefined,
  status: number | undefined,
  topic: string,
  source: string,
  tags: Record<string, string> | undefined,
  shard: number,
  cursor: string,
  index: number,
) => RequestRecord;

interface Shape {
  /** The content keys in the order for-in visits them. */
  keys: readonly string[];
  build: RecordBuilder;
}

/** Shapes compiled at most; past it new shapes take the parser's generic path (logs with ever-changing keys). */
const MAX_SHAPES = 256;
/** Shapes checked by a key-by-key comparison before the lookup by signature: logs of a few shapes may alternate. */
const RECENT_SHAPES = 4;

const PARAMETERS = ['time', 'fields', 'path', 'query', 'status', 'topic', 'source', 'tags', 'shard', 'cursor', 'index'];

export class RecordShapes {
  /** The content keys a record of a key sequence keeps, in record order. */
  readonly #kept: (keys: readonly string[]) => readonly string[];
  /** By signature; null for a shape that cannot be compiled. */
  readonly #shapes = new Map<string, Shape | null>();
  readonly #recent: Shape[] = [];

  constructor(kept: (keys: readonly string[]) => readonly string[]) {
    this.#kept = kept;
  }

  /** The builder for records of `fields`' key sequence, or undefined when the parser must build it key by key. */
  builderFor(fields: Record<string, string>): RecordBuilder | undefined {
    const recent = this.#recent;
    for (let i = 0; i < recent.length; i++) {
      const shape = recent[i] as Shape;
      if (sameKeys(fields, shape.keys)) {
        if (i > 0) {
          recent.splice(i, 1);
          recent.unshift(shape);
        }
        return shape.build;
      }
    }
    return this.#lookup(fields);
  }

  #lookup(fields: Record<string, string>): RecordBuilder | undefined {
    const keys: string[] = [];
    for (const key in fields) keys.push(key);
    const signature = JSON.stringify(keys);
    let shape = this.#shapes.get(signature);
    if (shape === undefined) {
      if (this.#shapes.size >= MAX_SHAPES) return undefined;
      shape = keys.includes('__proto__') ? null : { keys, build: compile(keys, this.#kept(keys)) };
      this.#shapes.set(signature, shape);
    }
    if (shape === null) return undefined;
    this.#recent.unshift(shape);
    if (this.#recent.length > RECENT_SHAPES) this.#recent.pop();
    return shape.build;
  }
}

function sameKeys(fields: Record<string, string>, keys: readonly string[]): boolean {
  let i = 0;
  for (const key in fields) {
    if (key !== keys[i]) return false;
    i += 1;
  }
  return i === keys.length;
}

/** The constructor of one shape: the record's keys in the documented order, present exactly when the parser's generic path adds them. */
function compile(keys: readonly string[], kept: readonly string[]): RecordBuilder {
  const has = new Set(keys);
  const body = ['this.time = time;'];
  if (has.has('method')) body.push('this.method = fields.method;');
  if (has.has('request_uri')) body.push('this.path = path;', 'this.query = query;');
  if (has.has('status')) body.push('this.status = status;');
  for (const key of kept) {
    const literal = JSON.stringify(key);
    body.push(`this[${literal}] = fields[${literal}];`);
  }
  body.push(
    'this.topic = topic;',
    'this.source = source;',
    'if (tags !== undefined) this.tags = tags;',
    'this.shard = shard;',
    'this.cursor = cursor;',
    'this.index = index;',
  );
  // The one place sluice compiles code, for the reason at the top of this file.
  const build = new Function(...PARAMETERS, body.join('\n')) as unknown as RecordBuilder & { prototype: object };
  // Records stay plain objects: Object.prototype, not an instance of the generated function.
  build.prototype = Object.prototype;
  return build;
}
