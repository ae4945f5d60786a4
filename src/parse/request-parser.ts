// SLS log -> request record, once per log on the hot path (see request-record.ts for the
// shape). Keys are added in one fixed order so that records of one logstore share a hidden
// class and serialise in a predictable order: time, method, path, query, status, the kept
// fields, topic, source, tags, shard, cursor, index. Records are built by a constructor
// compiled per key sequence (record-shapes.ts explains why); the key-by-key path here builds
// the same record for the shapes that are not compiled.

import type { LogRecord } from '../sls/types.js';
import { IsoTimeFormatter } from './log-time.js';
import { ParseError, quoted } from './parse-error.js';
import { RecordShapes } from './record-shapes.js';
import type { RecordPosition, RequestRecord } from './request-record.js';
import { setOwn, splitRequestUri, type Query } from './request-uri.js';

export interface RequestParserOptions {
  /** SLS content keys to keep under their own names: `all`, or a list (absent keys are skipped). */
  fields: 'all' | readonly string[];
  /** Build every record key by key instead of with compiled constructors (for tests that compare the two). */
  uncompiled?: boolean;
}

export interface RequestParser {
  /**
   * The record of `log` at `position`; throws ParseError when the log cannot be one. The
   * position is copied, so a caller may reuse one object for every log.
   */
  parse(log: LogRecord, position: RecordPosition): RequestRecord;
}

/**
 * Keys the parser derives or adds itself. A content key with one of these names is not kept,
 * so it can never overwrite them: `status` is the number, `time` the log's time, and so on.
 */
export const DERIVED_KEYS: ReadonlySet<string> = new Set([
  'time', 'method', 'path', 'query', 'status', 'topic', 'source', 'tags', 'shard', 'cursor', 'index',
]);

export function createRequestParser(options: RequestParserOptions): RequestParser {
  return new FieldRequestParser(options);
}

/** The content keys `fields` keeps, in record order, without repeats or derived keys; undefined for all. */
export function keptFields(fields: RequestParserOptions['fields']): readonly string[] | undefined {
  return fields === 'all' ? undefined : [...new Set(fields)].filter((key) => !DERIVED_KEYS.has(key));
}

class FieldRequestParser implements RequestParser {
  /** The content keys to keep, or undefined for all. */
  readonly #keep: readonly string[] | undefined;
  readonly #shapes: RecordShapes | undefined;
  readonly #time = new IsoTimeFormatter();
  /** Where splitRequestUri leaves path and query: one object for all logs, not one per log. */
  readonly #uri: { path?: string; query?: Query } = {};
  /** Tags are shared by the logs of a group: whether they are empty is decided once per group. */
  #tags: Record<string, string> | undefined;
  #tagsEmpty = true;

  constructor(options: RequestParserOptions) {
    const keep = keptFields(options.fields);
    this.#keep = keep;
    this.#shapes = options.uncompiled === true ? undefined : new RecordShapes((keys) => keptOf(keys, keep));
  }

  parse(log: LogRecord, position: RecordPosition): RequestRecord {
    const fields = log.fields;
    const time = this.#time.format(log.time, log.timeNs);
    // Typeof checks, not `!== undefined`: `fields` is a plain object with inherited names.
    const uriText = fields.request_uri;
    const uri = this.#uri;
    if (typeof uriText === 'string') splitRequestUri(uriText, uri);
    else uri.path = uri.query = undefined;
    const statusText = fields.status;
    const status = typeof statusText === 'string' ? httpStatus(statusText) : undefined;
    const tags = this.#emptyTags(log.tags) ? undefined : log.tags;
    const Build = this.#shapes?.builderFor(fields);
    if (Build !== undefined) {
      return new Build(time, fields, uri.path, uri.query, status, log.topic, log.source, tags, position.shard, position.cursor, position.index);
    }
    const record: Record<string, unknown> = { time };
    const method = fields.method;
    if (typeof method === 'string') record.method = method;
    if (uri.path !== undefined) {
      record.path = uri.path;
      record.query = uri.query;
    }
    if (status !== undefined) record.status = status;
    for (const key of this.#keep ?? Object.keys(fields)) {
      const value = fields[key];
      // A string is an own value: nothing inherited from Object.prototype is one.
      if (typeof value === 'string' && !DERIVED_KEYS.has(key)) setOwn(record, key, value);
    }
    record.topic = log.topic;
    record.source = log.source;
    if (tags !== undefined) record.tags = tags;
    record.shard = position.shard;
    record.cursor = position.cursor;
    record.index = position.index;
    return record as RequestRecord;
  }

  #emptyTags(tags: Record<string, string>): boolean {
    if (tags !== this.#tags) {
      this.#tags = tags;
      this.#tagsEmpty = true;
      for (const _ in tags) {
        this.#tagsEmpty = false;
        break;
      }
    }
    return this.#tagsEmpty;
  }
}

/** The content keys a record keeps, in record order, from the keys its log has. */
function keptOf(keys: readonly string[], keep: readonly string[] | undefined): readonly string[] {
  if (keep === undefined) return keys.filter((key) => !DERIVED_KEYS.has(key));
  const present = new Set(keys);
  return keep.filter((key) => present.has(key));
}

/** The status code of an HTTP status line: three digits, 100..599. */
function httpStatus(text: string): number {
  if (text.length === 3) {
    const hundreds = text.charCodeAt(0) - 48;
    const tens = text.charCodeAt(1) - 48;
    const ones = text.charCodeAt(2) - 48;
    if (hundreds >= 1 && hundreds <= 5 && tens >= 0 && tens <= 9 && ones >= 0 && ones <= 9) return hundreds * 100 + tens * 10 + ones;
  }
  throw new ParseError('BadStatus', `status ${quoted(text)} is not an HTTP status`);
}
