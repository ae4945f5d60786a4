// A log group's fields other than its logs (topic, source, tags, unknown fields), kept as they
// were encoded, for the NDJSON transcoder. From them come what every record of the group ends
// with, and the log the transcoder leaves to the reference path, decoded by the real decoder
// from a LogGroupList of just these fields and that log: neither can drift from what
// decodeLogGroupList makes of the whole body.

import { decodeLogGroupList, GROUP_LOG, LIST_GROUP } from '../sls/codec/log-group-list-decoder.js';
import { varintSize, writeVarint } from '../sls/codec/protobuf-writer.js';
import type { LogRecord } from '../sls/types.js';
import { jsonFragment, type JsonFragment } from './json-bytes.js';
import type { RecordPosition } from './request-record.js';

export class GroupFields {
  readonly #encoded: Buffer;

  /** The fields at `bytes[bounds[0], bounds[1])`, `bytes[bounds[2], bounds[3])`, ..., in their order. */
  constructor(bytes: Buffer, bounds: readonly number[]) {
    let length = 0;
    for (let i = 0; i < bounds.length; i += 2) length += (bounds[i + 1] as number) - (bounds[i] as number);
    this.#encoded = Buffer.allocUnsafe(length);
    let pos = 0;
    for (let i = 0; i < bounds.length; i += 2) pos += bytes.copy(this.#encoded, pos, bounds[i] as number, bounds[i + 1] as number);
  }

  /**
   * The Log at `bytes[start, end)` as decodeLogGroupList decodes it in this group, the
   * group's index `group`; an empty span gives an empty log, which still checks the group's
   * fields. Throws CorruptDataError where the decoder would.
   */
  decodeLog(bytes: Buffer, start: number, end: number, group: number): LogRecord {
    const fields = this.#encoded;
    const log = end - start;
    const length = fields.length + 1 + varintSize(log) + log;
    const list = Buffer.allocUnsafe(1 + varintSize(length) + length);
    list[0] = LIST_GROUP;
    let pos = writeVarint(list, 1, length);
    pos += fields.copy(list, pos);
    list[pos] = GROUP_LOG;
    pos = writeVarint(list, pos + 1, log);
    bytes.copy(list, pos, start, end);
    const record = decodeLogGroupList(list)[0] as LogRecord;
    record.group = group;
    return record;
  }
}

/**
 * What every record of a group ends with, in the parser's key order, up to the index's
 * digits: `,"topic":...,"source":...[,"tags":{...}],"shard":N,"cursor":"...","index":`.
 */
export function recordSuffix(group: Pick<LogRecord, 'topic' | 'source' | 'tags'>, position: RecordPosition): JsonFragment {
  let json = `,"topic":${JSON.stringify(group.topic)},"source":${JSON.stringify(group.source)}`;
  for (const _ in group.tags) {
    json += `,"tags":${JSON.stringify(group.tags)}`;
    break;
  }
  json += `,"shard":${JSON.stringify(position.shard)},"cursor":${JSON.stringify(position.cursor)},"index":`;
  return jsonFragment(json);
}
