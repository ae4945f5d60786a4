// SLS log -> request record, once per log on the hot path (see request-record.ts for the
// shape). Keys are added in one fixed order so that records of one logstore share a hidden
// class and serialise in a predictable order: time, method, path, query, status, the kept
// fields, topic, source, tags, shard, cursor, index.

import type { LogRecord } from '../sls/types.js';
import { IsoTimeFormatter } from './log-time.js';
import { ParseError, quoted } from './parse-error.js';
import type { RecordPosition, RequestRecord } from './request-record.js';
import { setOwn, splitRequestUri } from './request-uri.js';

export interface RequestParserOptions {
  /** SLS content keys to keep under their own names: `all`, or a list (absent keys are skipped). */
  fields: 'all' | readonly string[];
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
const DERIVED_KEYS: ReadonlySet<string> = new Set([
  'time', 'method', 'path', 'query', 'status', 'topic', 'source', 'tags', 'shard', 'cursor', 'index',
]);

export function createRequestParser(options: RequestParserOptions): RequestParser {
  return new FieldRequestParser(options);
}

class FieldRequestParser implements RequestParser {
  /** The content keys to keep, or undefined for all. */
  readonly #keep: readonly string[] | undefined;
  readonly #time = new IsoTimeFormatter();
  /** Tags are shared by the logs of a group: whether they are empty is decided once per group. */
  #tags: Record<string, string> | undefined;
  #tagsEmpty = true;

  constructor(options: RequestParserOptions) {
    this.#keep = options.fields === 'all' ? undefined : [...new Set(options.fields)].filter((key) => !DERIVED_KEYS.has(key));
  }

  parse(log: LogRecord, position: RecordPosition): RequestRecord {
    const fields = log.fields;
    const record: Record<string, unknown> = { time: this.#time.format(log.time, log.timeNs) };
    // Typeof checks, not `!== undefined`: `fields` is a plain object with inherited names.
    const method = fields.method;
    if (typeof method === 'string') record.method = method;
    const uri = fields.request_uri;
    if (typeof uri === 'string') splitRequestUri(uri, record);
    const status = fields.status;
    if (typeof status === 'string') record.status = httpStatus(status);
    this.#keepFields(fields, record);
    record.topic = log.topic;
    record.source = log.source;
    if (!this.#emptyTags(log.tags)) record.tags = log.tags;
    record.shard = position.shard;
    record.cursor = position.cursor;
    record.index = position.index;
    return record as RequestRecord;
  }

  #keepFields(fields: Record<string, string>, record: Record<string, unknown>): void {
    const keep = this.#keep;
    if (keep === undefined) {
      for (const key in fields) if (!DERIVED_KEYS.has(key)) setOwn(record, key, fields[key]);
      return;
    }
    for (const key of keep) {
      const value = fields[key];
      if (typeof value === 'string') setOwn(record, key, value);
    }
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
