// A pulled batch to chunks of records, on the hot path: decode the LogGroupList, give each log
// its position (the cursor of its log group, computed once per group, and its index in the
// group), parse it, and cut the records into queue-sized chunks. Logs that fail to parse
// become dead-letter entries. Nothing here throws for bad data: even a body that cannot be
// decoded (the client verified it, so this should not happen) becomes one dead-letter entry.

import type { RequestParser } from '../parse/request-parser.js';
import type { RecordPosition, RequestRecord } from '../parse/request-record.js';
import { decodeCursor, encodeCursor } from '../sls/cursor.js';
import { decodeLogGroupList } from '../sls/codec/log-group-list-decoder.js';
import type { LogRecord } from '../sls/types.js';
import type { DeadLetterEntry } from './dead-letter.js';
import type { PulledBatch } from './pulled-batch.js';

export interface ParsedBatch {
  /** Logs decoded (0 when the body could not be decoded). */
  logs: number;
  /** The records, in chunks of at most `chunkRecords`, in log order. */
  chunks: RequestRecord[][];
  dead: DeadLetterEntry[];
}

const NO_LOG: DeadLetterEntry['log'] = { time: 0, topic: '', source: '', tags: {}, fields: {} };

export function parseBatch(batch: PulledBatch, parser: RequestParser, chunkRecords: number): ParsedBatch {
  let logs: LogRecord[];
  let firstGroup: bigint;
  try {
    firstGroup = decodeCursor(batch.cursor);
    logs = decodeLogGroupList(batch.logGroupList);
  } catch (error) {
    const reason =
      `the PullLogs answer of shard ${batch.shard} from cursor ${batch.cursor} to ${batch.nextCursor} ` +
      `(${batch.logGroups} log groups) could not be decoded, so its logs were skipped: ${describe(error)}`;
    return { logs: 0, chunks: [], dead: [{ reason, position: { shard: batch.shard, cursor: batch.cursor, index: 0 }, log: NO_LOG }] };
  }
  const chunks: RequestRecord[][] = [];
  const dead: DeadLetterEntry[] = [];
  // One position object for the whole batch: the parser copies it into each record.
  const position: RecordPosition = { shard: batch.shard, cursor: batch.cursor, index: 0 };
  let group = -1;
  let chunk: RequestRecord[] = [];
  for (let i = 0; i < logs.length; i++) {
    const log = logs[i] as LogRecord;
    if (log.group !== group) {
      group = log.group;
      position.cursor = encodeCursor(firstGroup + BigInt(group));
      position.index = 0;
    }
    try {
      chunk.push(parser.parse(log, position));
      if (chunk.length === chunkRecords) {
        chunks.push(chunk);
        chunk = [];
      }
    } catch (error) {
      dead.push({ reason: describe(error), position: { ...position }, log });
    }
    position.index += 1;
  }
  if (chunk.length > 0) chunks.push(chunk);
  return { logs: logs.length, chunks, dead };
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
