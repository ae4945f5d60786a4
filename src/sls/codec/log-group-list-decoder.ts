// The hot path of every consumer: a PullLogs body (protobuf LogGroupList, §12) to flat records.
//
// Hand-written rather than generated, because a generic decoder builds an object per message
// and a string per key, then needs a second pass to flatten. Here each Log becomes one record
// of a single shape, keys come from a cache, and each LogGroup is copied into one latin1 string
// once, so that an ASCII value (the usual case for access logs) is a substring of it: far
// cheaper than a call into C++ per value. Other values go through the lenient UTF-8 decoder.

import type { LogRecord } from '../types.js';
import { KeyInterner } from './key-interner.js';
import { ProtoReader } from './protobuf-reader.js';
import { latin1Slice } from './native-buffer.js';
import { decodeUtf8 } from './utf8.js';

// Tags (field number << 3 | wire type) of the fields this decoder reads; all others are skipped.
// Exported for the readers that walk the same bytes (the NDJSON transcoder), so that the schema
// is written down once.
export const LIST_GROUP = (1 << 3) | 2;
export const GROUP_LOG = (1 << 3) | 2;
const GROUP_TOPIC = (3 << 3) | 2;
const GROUP_SOURCE = (4 << 3) | 2;
const GROUP_TAG = (6 << 3) | 2;
export const LOG_TIME = (1 << 3) | 0;
export const LOG_CONTENT = (2 << 3) | 2;
export const LOG_TIME_NS = (4 << 3) | 5;
export const PAIR_KEY = (1 << 3) | 2;
export const PAIR_VALUE = (2 << 3) | 2;

/** Shared by every call: keys repeat across responses, and decoding is synchronous. */
const keys = new KeyInterner();

/** Decodes a LogGroupList into one record per Log. Throws CorruptDataError on malformed bytes. */
export function decodeLogGroupList(bytes: Uint8Array): LogRecord[] {
  return new LogGroupListDecoder(bytes).decode();
}

/** Counts the LogGroups of a LogGroupList without decoding them (checks the list's framing only). */
export function countLogGroups(bytes: Uint8Array): number {
  let groups = 0;
  forEachLogGroup(new ProtoReader(bytes, 'LogGroupList'), bytes.length, () => groups++);
  return groups;
}

/**
 * Walks a LogGroupList's top level: for each LogGroup, calls `visit` with the reader at the
 * group's first byte, the group's end and its index, then moves past the group whatever
 * `visit` read. Every other field is skipped. The one walk the decoders share.
 */
export function forEachLogGroup(reader: ProtoReader, end: number, visit: (groupEnd: number, index: number) => void): void {
  let group = 0;
  while (reader.pos < end) {
    const tag = reader.tag(end);
    if (tag === LIST_GROUP) {
      const groupEnd = reader.lengthEnd(end);
      visit(groupEnd, group++);
      reader.pos = groupEnd;
    } else reader.skip(tag, end);
  }
}

class LogGroupListDecoder {
  readonly #reader: ProtoReader;
  readonly #buffer: Buffer;
  readonly #records: LogRecord[] = [];
  /** The current LogGroup as one latin1 string: its ASCII values are substrings of it, which
   * share its memory (a kept value keeps the group's text alive, about the size of its records). */
  #groupText = '';
  /** Byte offset of the current LogGroup, where #groupText starts. */
  #groupStart = 0;

  constructor(bytes: Uint8Array) {
    this.#reader = new ProtoReader(bytes, 'LogGroupList');
    this.#buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  decode(): LogRecord[] {
    forEachLogGroup(this.#reader, this.#buffer.length, (groupEnd, group) => this.#group(groupEnd, group));
    return this.#records;
  }

  #group(end: number, group: number): void {
    const reader = this.#reader;
    this.#groupStart = reader.pos;
    this.#groupText = latin1Slice(this.#buffer, reader.pos, end);
    let topic = '';
    let source = '';
    const tags: Record<string, string> = {};
    // Topic, source and tags may follow the logs, so the logs are located first and decoded after.
    const logBounds: number[] = [];
    while (reader.pos < end) {
      const tag = reader.tag(end);
      if (tag === GROUP_LOG) {
        const logEnd = reader.lengthEnd(end);
        logBounds.push(reader.pos, logEnd);
        reader.pos = logEnd;
      } else if (tag === GROUP_TOPIC) topic = this.#string(end);
      else if (tag === GROUP_SOURCE) source = this.#string(end);
      else if (tag === GROUP_TAG) this.#pair(reader.lengthEnd(end), tags);
      else reader.skip(tag, end);
    }
    const records = this.#records;
    for (let i = 0; i < logBounds.length; i += 2) {
      reader.pos = logBounds[i] as number;
      records.push(this.#log(logBounds[i + 1] as number, topic, source, tags, group));
    }
  }

  #log(end: number, topic: string, source: string, tags: Record<string, string>, group: number): LogRecord {
    const reader = this.#reader;
    let time = 0;
    let timeNs: number | undefined;
    const fields: Record<string, string> = {};
    while (reader.pos < end) {
      const tag = reader.tag(end);
      if (tag === LOG_CONTENT) this.#pair(reader.lengthEnd(end), fields);
      else if (tag === LOG_TIME) time = reader.uint32(end);
      else if (tag === LOG_TIME_NS) timeNs = reader.fixed32(end);
      else reader.skip(tag, end);
    }
    // Always the same literal, timeNs included, so every record shares one hidden class.
    return { time, timeNs, topic, source, tags, fields, group };
  }

  /** A Log.Content or LogTag message: Key = 1, Value = 2, stored into `target`. */
  #pair(end: number, target: Record<string, string>): void {
    const reader = this.#reader;
    let key = '';
    let value = '';
    while (reader.pos < end) {
      const tag = reader.tag(end);
      if (tag === PAIR_KEY) {
        const keyEnd = reader.lengthEnd(end);
        key = keys.intern(this.#buffer, reader.pos, keyEnd);
        reader.pos = keyEnd;
      } else if (tag === PAIR_VALUE) value = this.#string(end);
      else reader.skip(tag, end);
    }
    if (key === '__proto__') {
      // A plain assignment would set the prototype (or be ignored) instead of adding a field.
      Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
    } else target[key] = value;
  }

  #string(limit: number): string {
    const reader = this.#reader;
    const end = reader.lengthEnd(limit);
    const start = reader.pos;
    reader.pos = end;
    return isAsciiRange(this.#buffer, start, end)
      ? this.#groupText.substring(start - this.#groupStart, end - this.#groupStart)
      : decodeUtf8(this.#buffer, start, end);
  }
}

/** True when no byte of bytes[start, end) has its high bit set. A JS loop: a call into C++ per
 * value costs more. (Reading aligned 32-bit words instead measured only ~3% faster overall.) */
function isAsciiRange(bytes: Uint8Array, start: number, end: number): boolean {
  let bits = 0;
  for (let i = start; i < end; i++) bits |= bytes[i] as number;
  return bits < 0x80;
}
