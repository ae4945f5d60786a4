// A pulled batch straight to the NDJSON bytes of the file and stdout sinks: the lines that
// decoding it (decodeLogGroupList), parsing each log (request-parser.ts) and serialising each
// record (encodeNdjson) would give, byte for byte and in the same chunks, but without a string
// or an object per value: values are copied from the protobuf bytes into the output, escaped
// as JSON (json-bytes.ts), behind JSON prefixes computed once per key and per log group.
//
// Only the common shape of a log takes that fast path. Anything unusual about one (a key seen
// twice, a key a plain object would reorder, a status, TimeNs or request_uri the parser
// rejects) sends that log the reference way, decoded by the real decoder (group-fields.ts)
// and parsed by the real parser, so correctness never depends on how much the fast path
// covers. A body that cannot be decoded at all is left to parseBatch, whose dead letter says why.

import { parseBatch } from './batch-parser.js';
import type { DeadLetterEntry } from './dead-letter.js';
import type { PulledBatch } from './pulled-batch.js';
import { forEachLogGroup, GROUP_LOG, LOG_CONTENT, LOG_TIME, LOG_TIME_NS, PAIR_KEY, PAIR_VALUE } from '../sls/codec/log-group-list-decoder.js';
import { ProtoReader } from '../sls/codec/protobuf-reader.js';
import { decodeCursor, encodeCursor } from '../sls/cursor.js';
import { ContentKeys, REFERENCE_ONLY, ROLE_METHOD, ROLE_STATUS, ROLE_URI, type ContentKey } from '../parse/content-keys.js';
import { GroupFields, recordSuffix } from '../parse/group-fields.js';
import { JsonBytes, jsonFragment, viewOf } from '../parse/json-bytes.js';
import { IsoTimeFormatter } from '../parse/log-time.js';
import { createRequestParser, keptFields, type RequestParser, type RequestParserOptions } from '../parse/request-parser.js';
import type { RecordPosition } from '../parse/request-record.js';
import { UriJson } from '../parse/uri-json.js';

export interface TranscodedChunk {
  /** One line per record, each `JSON.stringify(record)` and `\n`; the start of an ArrayBuffer of its own. */
  ndjson: Buffer;
  records: number;
}

export interface TranscodedBatch {
  /** Logs decoded (0 when the body could not be decoded). */
  logs: number;
  /** The records' NDJSON, at most `chunkRecords` records per chunk, in log order. */
  chunks: TranscodedChunk[];
  dead: DeadLetterEntry[];
}

export interface NdjsonTranscoder {
  /** What parseBatch(batch, parser, chunkRecords) gives, with each chunk as encodeNdjson(chunk). Never throws for bad data. */
  transcode(batch: PulledBatch, chunkRecords: number): TranscodedBatch;
  /** The ArrayBuffer of a chunk's `ndjson`, written and read by no one any more, to fill again. */
  recycle(buffer: ArrayBuffer): void;
}

export function createNdjsonTranscoder(options: RequestParserOptions): NdjsonTranscoder {
  return new BatchTranscoder(options);
}

const METHOD = jsonFragment(',"method":');
const STATUS = jsonFragment(',"status":');
const TIME_END = jsonFragment('Z"');
const LINE_END = jsonFragment('}\n');
const NO_BYTES = Buffer.alloc(0);
/** Output bytes per input byte of a log, at most: a control byte becomes `\u00XX`, and request_uri is written twice. */
const WORST_EXPANSION = 20;

class BatchTranscoder implements NdjsonTranscoder {
  readonly #parser: RequestParser;
  readonly #keys: ContentKeys;
  /** Kept keys with a field list; -1 keeps every key in log order. */
  readonly #keepCount: number;
  readonly #out = new JsonBytes();
  readonly #uri = new UriJson();
  readonly #iso = new IsoTimeFormatter();
  #second = Number.NaN;
  /** `{"time":"YYYY-MM-DDTHH:MM:SS` of #second. */
  #timeHead = jsonFragment('');
  /** Stamps logs for ContentKey.stamp. */
  #serial = 0;
  /** Per content pair of the current log: key start, key end, value start, value end. */
  #ranges = new Int32Array(256);
  /** Per content pair of the current log (until it is overwritten: of the previous log), its key. */
  readonly #pairKeys: ContentKey[] = [];
  /** With a field list: per kept key, its pair in the current log, valid where #slotStamps holds the log's stamp. */
  readonly #slots: Int32Array;
  readonly #slotStamps: Float64Array;

  // The batch being transcoded; between calls, nothing (set by #release()).
  #bytes!: Buffer;
  #view!: DataView;
  #reader!: ProtoReader;
  #position: RecordPosition = { shard: 0, cursor: '', index: 0 };
  #firstGroup = 0n;
  #chunkRecords = 1;
  #chunks!: TranscodedChunk[];
  #records = 0;
  #dead!: DeadLetterEntry[];
  #logs = 0;
  #groupFields!: GroupFields;
  /** `,"topic":...,"source":...[,"tags":{...}],"shard":N,"cursor":"...","index":` of the current group. */
  #suffix = jsonFragment('');

  constructor(options: RequestParserOptions) {
    this.#parser = createRequestParser(options);
    const keep = keptFields(options.fields);
    this.#keys = new ContentKeys(keep);
    this.#keepCount = keep === undefined ? -1 : keep.length;
    this.#slots = new Int32Array(Math.max(0, this.#keepCount));
    this.#slotStamps = new Float64Array(Math.max(0, this.#keepCount));
    this.#release();
  }

  transcode(batch: PulledBatch, chunkRecords: number): TranscodedBatch {
    const bytes = batch.logGroupList;
    this.#bytes = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.#view = viewOf(bytes);
    this.#reader = new ProtoReader(this.#bytes, 'LogGroupList');
    this.#position = { shard: batch.shard, cursor: batch.cursor, index: 0 };
    this.#chunkRecords = chunkRecords;
    this.#records = 0;
    this.#logs = 0;
    this.#out.rewind(0);
    try {
      try {
        this.#firstGroup = decodeCursor(batch.cursor);
        forEachLogGroup(this.#reader, this.#bytes.length, (groupEnd, group) => this.#group(groupEnd, group));
      } catch (error) {
        return this.#undecodable(batch, error);
      }
      if (this.#records > 0) this.#chunks.push({ ndjson: this.#out.take(), records: this.#records });
      return { logs: this.#logs, chunks: this.#chunks, dead: this.#dead };
    } finally {
      this.#release();
    }
  }

  /**
   * Lets go of the batch, and leaves empty chunk and dead-letter lists for the next: its body
   * (a MiB or so) and chunks would otherwise stay reachable from here until the next call, long enough on the main thread, which decodes only now and then,
   * to be promoted and then wait for a full collection (see README › Memory).
   */
  #release(): void {
    this.#bytes = NO_BYTES;
    this.#view = viewOf(NO_BYTES);
    this.#reader = new ProtoReader(NO_BYTES, 'LogGroupList');
    this.#groupFields = new GroupFields(NO_BYTES, []);
    this.#chunks = [];
    this.#dead = [];
  }

  recycle(buffer: ArrayBuffer): void {
    this.#out.recycle(buffer);
  }

  /**
   * The reference's answer for a body it cannot decode: one dead letter naming the first flaw
   * (the fast path reads the same fields but need not meet the flaws in the same order). Should
   * the reference decode what this walk could not, the walk has a bug: that error is thrown.
   */
  #undecodable(batch: PulledBatch, error: unknown): TranscodedBatch {
    this.#out.rewind(0);
    const reference = parseBatch(batch, this.#parser, this.#chunkRecords);
    if (reference.logs > 0 || reference.dead.length !== 1) throw error;
    return { logs: 0, chunks: [], dead: reference.dead };
  }

  #group(end: number, group: number): void {
    const reader = this.#reader;
    // As the decoder does: the logs are located first, because the group's other fields may follow them.
    const logBounds: number[] = [];
    const fieldBounds: number[] = [];
    while (reader.pos < end) {
      const fieldStart = reader.pos;
      const tag = reader.tag(end);
      if (tag === GROUP_LOG) {
        const logEnd = reader.lengthEnd(end);
        logBounds.push(reader.pos, logEnd);
        reader.pos = logEnd;
      } else {
        reader.skip(tag, end);
        fieldBounds.push(fieldStart, reader.pos);
      }
    }
    this.#groupFields = new GroupFields(this.#bytes, fieldBounds);
    // Decoding them also checks them (tags are messages), as the decoder would, logs or not.
    const fields = this.#groupFields.decodeLog(this.#bytes, 0, 0, group);
    if (logBounds.length === 0) return;
    const position = this.#position;
    position.cursor = encodeCursor(this.#firstGroup + BigInt(group));
    position.index = 0;
    this.#suffix = recordSuffix(fields, position);
    for (let i = 0; i < logBounds.length; i += 2) {
      this.#log(logBounds[i] as number, logBounds[i + 1] as number, group);
      position.index += 1;
    }
    this.#logs += logBounds.length / 2;
  }

  #log(start: number, end: number, group: number): void {
    if (this.#keys.trim()) this.#pairKeys.length = 0;
    const serial = ++this.#serial;
    const reader = this.#reader;
    reader.pos = start;
    let time = 0;
    let timeNs = -1;
    let pairs = 0;
    let reference = false;
    let method = -1;
    let uri = -1;
    let status = -1;
    while (reader.pos < end) {
      const tag = reader.tag(end);
      if (tag === LOG_CONTENT) {
        const key = this.#pair(reader.lengthEnd(end), pairs);
        if (key.stamp === serial || key.keep === REFERENCE_ONLY) reference = true;
        key.stamp = serial;
        if (key.role === ROLE_METHOD) method = pairs;
        else if (key.role === ROLE_URI) uri = pairs;
        else if (key.role === ROLE_STATUS) status = pairs;
        pairs++;
      } else if (tag === LOG_TIME) time = reader.uint32(end);
      else if (tag === LOG_TIME_NS) timeNs = reader.fixed32(end);
      else reader.skip(tag, end);
    }
    const out = this.#out;
    const mark = out.pos;
    out.reserve((end - start) * WORST_EXPANSION + this.#suffix.length + 64);
    // A TimeNs of a second or more is the parser's BadTime.
    if (reference || timeNs >= 1e9 || !this.#record(time, timeNs, pairs, method, uri, status)) {
      out.rewind(mark);
      this.#reference(start, end, group);
    } else this.#recorded();
  }

  /** Reads one Log.Content into #ranges and returns its key. */
  #pair(end: number, index: number): ContentKey {
    if (4 * index + 4 > this.#ranges.length) {
      const grown = new Int32Array(this.#ranges.length * 2);
      grown.set(this.#ranges);
      this.#ranges = grown;
    }
    const at = 4 * index;
    if (!this.#plainPair(end, at)) this.#anyPair(end, at);
    const ranges = this.#ranges;
    const key = this.#keys.get(this.#bytes, this.#view, ranges[at] as number, ranges[at + 1] as number, this.#pairKeys[index]);
    this.#pairKeys[index] = key;
    return key;
  }

  /**
   * The layout SLS writers produce, read without the reader's generic loop: Key with a
   * one-byte length, then Value with a one- or two-byte length, ending the message. Every
   * check the reader would make holds when this matches; anything else returns false, having
   * read nothing.
   */
  #plainPair(end: number, at: number): boolean {
    const bytes = this.#bytes;
    const start = this.#reader.pos;
    if (end - start < 4 || bytes[start] !== PAIR_KEY) return false;
    const keyLength = bytes[start + 1] as number;
    const keyEnd = start + 2 + keyLength;
    if (keyLength >= 0x80 || keyEnd + 2 > end || bytes[keyEnd] !== PAIR_VALUE) return false;
    let valueStart = keyEnd + 2;
    let valueLength = bytes[keyEnd + 1] as number;
    if (valueLength >= 0x80) {
      if (valueStart >= end) return false;
      const high = bytes[valueStart] as number;
      if (high >= 0x80) return false;
      valueLength = (valueLength & 0x7f) | (high << 7);
      valueStart += 1;
    }
    if (valueStart + valueLength !== end) return false;
    const ranges = this.#ranges;
    ranges[at] = start + 2;
    ranges[at + 1] = keyEnd;
    ranges[at + 2] = valueStart;
    ranges[at + 3] = end;
    this.#reader.pos = end;
    return true;
  }

  /** Any Log.Content, read as the decoder reads it: fields in any order, a repeated Key or Value keeps the last, others skipped. */
  #anyPair(end: number, at: number): void {
    const reader = this.#reader;
    let keyStart = 0;
    let keyEnd = 0;
    let valueStart = 0;
    let valueEnd = 0;
    while (reader.pos < end) {
      const tag = reader.tag(end);
      if (tag === PAIR_KEY) {
        keyEnd = reader.lengthEnd(end);
        keyStart = reader.pos;
        reader.pos = keyEnd;
      } else if (tag === PAIR_VALUE) {
        valueEnd = reader.lengthEnd(end);
        valueStart = reader.pos;
        reader.pos = valueEnd;
      } else reader.skip(tag, end);
    }
    const ranges = this.#ranges;
    ranges[at] = keyStart;
    ranges[at + 1] = keyEnd;
    ranges[at + 2] = valueStart;
    ranges[at + 3] = valueEnd;
  }

  /** Writes the log's line on the fast path, in the parser's key order; false where only the parser knows. */
  #record(time: number, timeNs: number, pairs: number, method: number, uri: number, status: number): boolean {
    const out = this.#out;
    const bytes = this.#bytes;
    const view = this.#view;
    const ranges = this.#ranges;
    this.#writeTime(time, timeNs);
    if (method >= 0) {
      out.raw(METHOD);
      out.string(bytes, view, ranges[4 * method + 2] as number, ranges[4 * method + 3] as number);
    }
    if (uri >= 0 && !this.#uri.write(out, bytes, view, ranges[4 * uri + 2] as number, ranges[4 * uri + 3] as number)) return false;
    if (status >= 0) {
      const start = ranges[4 * status + 2] as number;
      if (!isHttpStatus(bytes, start, ranges[4 * status + 3] as number)) return false;
      out.raw(STATUS);
      out.copy(bytes, start, start + 3);
    }
    if (this.#keepCount < 0) this.#allFields(pairs);
    else this.#listedFields(pairs);
    out.raw(this.#suffix);
    out.uint(this.#position.index);
    out.raw(LINE_END);
    return true;
  }

  #writeTime(time: number, timeNs: number): void {
    if (time !== this.#second) {
      // The formatter's per-second part, once per second: `...T10:15:00Z` without its Z.
      this.#timeHead = jsonFragment(`{"time":"${this.#iso.format(time, undefined).slice(0, -1)}`);
      this.#second = time;
    }
    const out = this.#out;
    out.raw(this.#timeHead);
    if (timeNs >= 0) {
      out.byte(0x2e);
      out.nineDigits(timeNs);
    }
    out.raw(TIME_END);
  }

  #allFields(pairs: number): void {
    const out = this.#out;
    const bytes = this.#bytes;
    const view = this.#view;
    const ranges = this.#ranges;
    const keys = this.#pairKeys;
    for (let p = 0; p < pairs; p++) {
      const key = keys[p] as ContentKey;
      if (key.keep < 0) continue;
      out.raw(key.prefix);
      out.string(bytes, view, ranges[4 * p + 2] as number, ranges[4 * p + 3] as number);
    }
  }

  /** With a field list the record follows the list's order, not the log's. */
  #listedFields(pairs: number): void {
    const keys = this.#pairKeys;
    const slots = this.#slots;
    const stamps = this.#slotStamps;
    const serial = this.#serial;
    for (let p = 0; p < pairs; p++) {
      const place = (keys[p] as ContentKey).keep;
      if (place < 0) continue;
      slots[place] = p;
      stamps[place] = serial;
    }
    const out = this.#out;
    const ranges = this.#ranges;
    for (let place = 0; place < this.#keepCount; place++) {
      if (stamps[place] !== serial) continue;
      const p = slots[place] as number;
      out.raw((keys[p] as ContentKey).prefix);
      out.string(this.#bytes, this.#view, ranges[4 * p + 2] as number, ranges[4 * p + 3] as number);
    }
  }

  /** The log the reference way: the real decoder, the real parser, JSON.stringify. */
  #reference(start: number, end: number, group: number): void {
    const log = this.#groupFields.decodeLog(this.#bytes, start, end, group);
    const position = this.#position;
    let json: string;
    try {
      json = JSON.stringify(this.#parser.parse(log, position));
    } catch (error) {
      this.#dead.push({ reason: error instanceof Error ? error.message : String(error), position: { ...position }, log });
      return;
    }
    this.#out.text(json);
    this.#out.byte(0x0a);
    this.#recorded();
  }

  #recorded(): void {
    if (++this.#records < this.#chunkRecords) return;
    this.#chunks.push({ ndjson: this.#out.take(), records: this.#records });
    this.#records = 0;
  }
}

/** Three digits, 100..599: the parser's rule for status. */
function isHttpStatus(bytes: Buffer, start: number, end: number): boolean {
  if (end - start !== 3) return false;
  const hundreds = bytes[start] as number;
  const tens = bytes[start + 1] as number;
  const ones = bytes[start + 2] as number;
  return hundreds >= 0x31 && hundreds <= 0x35 && tens >= 0x30 && tens <= 0x39 && ones >= 0x30 && ones <= 0x39;
}
