// A pulled batch to record counts, for a sink that takes nothing but how many records it
// acknowledges (the null sink): the LogGroupList is walked, each Log skipped by its length,
// and no log is decoded, parsed or serialised. So nothing is dead-lettered for its content
// (a log the parser would refuse is counted like any other); a body that cannot be walked
// becomes the same one dead letter parseBatch gives.

import { forEachLogGroup, GROUP_LOG } from '../sls/codec/log-group-list-decoder.js';
import { ProtoReader } from '../sls/codec/protobuf-reader.js';
import type { RequestParser } from '../parse/request-parser.js';
import { parseBatch } from './batch-parser.js';
import type { DeadLetterEntry } from './dead-letter.js';
import type { PulledBatch } from './pulled-batch.js';

export interface CountedBatch {
  /** Logs in the batch (0 when the body could not be walked). */
  logs: number;
  /** The logs in chunks of at most `chunkRecords`, in log order: each chunk's count. */
  chunks: number[];
  dead: DeadLetterEntry[];
}

/** `parser` only names the flaw of a body that cannot be walked (see parseBatch). */
export function countBatch(batch: PulledBatch, parser: RequestParser, chunkRecords: number): CountedBatch {
  let logs: number;
  try {
    logs = countLogs(batch.logGroupList);
  } catch {
    const { dead } = parseBatch(batch, parser, chunkRecords);
    return { logs: 0, chunks: [], dead };
  }
  const chunks: number[] = [];
  for (let left = logs; left > 0; left -= chunkRecords) chunks.push(Math.min(left, chunkRecords));
  return { logs, chunks, dead: [] };
}

function countLogs(bytes: Uint8Array): number {
  const reader = new ProtoReader(bytes, 'LogGroupList');
  let logs = 0;
  forEachLogGroup(reader, bytes.length, (groupEnd) => {
    while (reader.pos < groupEnd) {
      const tag = reader.tag(groupEnd);
      if (tag === GROUP_LOG) logs += 1;
      reader.skip(tag, groupEnd);
    }
  });
  return logs;
}
