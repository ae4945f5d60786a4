// Request records as the pipeline hands them to a sink: realistic nginx logs from the
// emulator's generator, turned into records by the real parser, with distinct positions.

import { NginxLogGenerator } from '../src/emulator/generator.js';
import { createRequestParser } from '../src/parse/request-parser.js';
import type { RequestRecord } from '../src/parse/request-record.js';
import { encodeCursor } from '../src/sls/cursor.js';

export interface GeneratedRecords {
  /** parse.fields; default all. */
  fields?: 'all' | readonly string[];
  seed?: number;
  shard?: number;
  /** Logs per log group (records of a group share a cursor); default 100. */
  groupSize?: number;
}

/** `count` records of generated nginx logs, in order: cursors count up from 0 per log group. */
export function generatedRecords(count: number, options: GeneratedRecords = {}): RequestRecord[] {
  const { fields = 'all', seed = 1, shard = 0, groupSize = 100 } = options;
  const generator = new NginxLogGenerator({ seed });
  const parser = createRequestParser({ fields });
  const records: RequestRecord[] = [];
  for (let group = 0; records.length < count; group++) {
    const input = generator.nextGroup(Math.min(groupSize, count - records.length));
    const tags = Object.fromEntries(input.tags ?? []);
    const cursor = encodeCursor(BigInt(group));
    input.logs.forEach((log, index) => {
      const contents = Object.fromEntries(log.contents) as Record<string, string>;
      const parsed = { time: log.time, timeNs: log.timeNs, topic: input.topic ?? '', source: input.source ?? '', tags, fields: contents, group: 0 };
      records.push(parser.parse(parsed, { shard, cursor, index }));
    });
  }
  return records;
}
