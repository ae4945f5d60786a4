// How pulled batches become what a sink takes. A record sink gets RequestRecord objects
// (parseBatch); an NDJSON sink gets the lines, written straight from the pulled protobuf bytes
// (the transcoder), with no record object in between: the lines are byte for byte
// JSON.stringify of the records parseBatch would build, several times cheaper to make.
//
// Either way a pull becomes queue chunks of at most chunkRecords records, and one commit
// carries the chunks of many workers in one write.

import type { RequestParserOptions } from '../parse/request-parser.js';
import { createRequestParser } from '../parse/request-parser.js';
import type { RequestRecord } from '../parse/request-record.js';
import type { SinkTarget } from '../sinks/sink.js';
import { parseBatch } from './batch-parser.js';
import { createNdjsonTranscoder } from './batch-transcoder.js';
import type { DeadLetterEntry } from './dead-letter.js';
import type { PulledBatch } from './pulled-batch.js';

/** One queue item's worth of a pull: `items` as the batcher hands them to write(), holding `records` records. */
export interface FeedChunk<Item> {
  items: readonly Item[];
  records: number;
}

export interface FedBatch<Item> {
  /** Logs decoded (0 when the body could not be decoded). */
  logs: number;
  chunks: FeedChunk<Item>[];
  dead: DeadLetterEntry[];
}

export interface SinkFeed<Item> {
  read(batch: PulledBatch, chunkRecords: number): FedBatch<Item>;
  /** Writes the items of one commit, in order, durably. */
  write(items: readonly Item[], signal?: AbortSignal): Promise<void>;
}

/** The feed for `sink`; its items are opaque to the pipeline. */
export function sinkFeed(sink: SinkTarget, parse: RequestParserOptions): SinkFeed<unknown> {
  return sink.input === 'ndjson' ? ndjsonFeed(sink, parse) : recordFeed(sink, parse);
}

function recordFeed(sink: Extract<SinkTarget, { input: 'records' }>, parse: RequestParserOptions): SinkFeed<RequestRecord> {
  const parser = createRequestParser(parse);
  return {
    read(batch, chunkRecords) {
      const { logs, chunks, dead } = parseBatch(batch, parser, chunkRecords);
      return { logs, chunks: chunks.map((items) => ({ items, records: items.length })), dead };
    },
    write: (records, signal) => sink.write(records, signal),
  };
}

/** Items are NDJSON buffers, one per chunk; a commit hands the sink those of all its chunks. */
function ndjsonFeed(sink: Extract<SinkTarget, { input: 'ndjson' }>, parse: RequestParserOptions): SinkFeed<Buffer> {
  const transcoder = createNdjsonTranscoder(parse);
  return {
    read(batch, chunkRecords) {
      const { logs, chunks, dead } = transcoder.transcode(batch, chunkRecords);
      return { logs, chunks: chunks.map(({ ndjson, records }) => ({ items: [ndjson], records })), dead };
    },
    write: (buffers, signal) => sink.write(buffers, signal),
  };
}
