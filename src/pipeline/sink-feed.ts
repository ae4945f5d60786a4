// How pulled batches become what a sink takes. A record sink gets RequestRecord objects
// (parseBatch); an NDJSON sink gets the lines, written straight from the pulled protobuf bytes
// (the transcoder), with no record object in between: the lines are byte for byte
// JSON.stringify of the records parseBatch would build, several times cheaper to make.
//
// Either way a pull becomes queue chunks of at most chunkRecords records, and one commit
// carries the chunks of many workers in one write.

import type { Logger } from 'pino';
import type { RequestParser, RequestParserOptions } from '../parse/request-parser.js';
import { createRequestParser } from '../parse/request-parser.js';
import type { RequestRecord } from '../parse/request-record.js';
import { encodeNdjson } from '../sinks/ndjson.js';
import type { SinkTarget } from '../sinks/sink.js';
import { parseBatch } from './batch-parser.js';
import { createNdjsonTranscoder, type TranscodedBatch } from './batch-transcoder.js';
import { DecodePool } from './decode-pool.js';
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
  /** The batch's chunks: at once, or, decoded on another thread, later. Rejects only when a decode thread died with the batch. */
  read(batch: PulledBatch, chunkRecords: number): FedBatch<Item> | Promise<FedBatch<Item>>;
  /** Writes the items of one commit, in order, durably. */
  write(items: readonly Item[], signal?: AbortSignal): Promise<void>;
  /** Stops its decode threads, if any. */
  close(): Promise<void> | undefined;
}

export interface FeedOptions {
  parse: RequestParserOptions;
  /** Decode threads for an NDJSON sink; 0 decodes on the calling thread. */
  decodeThreads: number;
  /** The decode threads' script, when not the compiled decode-worker.js (tests). */
  decodeScript?: URL;
  log: Logger;
}

/** The feed for `sink`; its items are opaque to the pipeline. */
export function sinkFeed(sink: SinkTarget, options: FeedOptions): SinkFeed<unknown> {
  return sink.input === 'ndjson' ? ndjsonFeed(sink, options) : recordFeed(sink, options.parse);
}

/** A batch parsed into records the reference way, each chunk's records made into the sink's items by `toItems`. */
function fedByParsing<Item>(batch: PulledBatch, parser: RequestParser, chunkRecords: number, toItems: (records: RequestRecord[]) => readonly Item[]): FedBatch<Item> {
  const { logs, chunks, dead } = parseBatch(batch, parser, chunkRecords);
  return { logs, chunks: chunks.map((records) => ({ items: toItems(records), records: records.length })), dead };
}

function recordFeed(sink: Extract<SinkTarget, { input: 'records' }>, parse: RequestParserOptions): SinkFeed<RequestRecord> {
  const parser = createRequestParser(parse);
  return {
    read: (batch, chunkRecords) => fedByParsing(batch, parser, chunkRecords, (records) => records),
    write: (records, signal) => sink.write(records, signal),
    close: () => undefined,
  };
}

/**
 * Items are NDJSON buffers, one per chunk; a commit hands the sink those of all its chunks. Once
 * the sink has written them, their memory goes back to the transcoders with the next batch, to
 * be filled again rather than left for the garbage collector (see README › Memory): by transfer
 * to a decode thread, so that a buffer anyone here still held would read as empty, never as
 * another chunk's lines. Only a successful write gives them back: a failed one is retried with
 * the same buffers, and an aborted one may still be reading them.
 */
function ndjsonFeed(sink: Extract<SinkTarget, { input: 'ndjson' }>, options: FeedOptions): SinkFeed<Buffer> {
  const { parse, decodeThreads, decodeScript, log } = options;
  const transcoder = createNdjsonTranscoder(parse);
  const parser = createRequestParser(parse);
  const pool = decodeThreads > 0 ? new DecodePool({ threads: decodeThreads, parse, ...(decodeScript === undefined ? {} : { script: decodeScript }) }) : undefined;
  const spares: ArrayBuffer[] = [];
  const fed = ({ logs, chunks, dead }: TranscodedBatch): FedBatch<Buffer> => ({
    logs,
    chunks: chunks.map(({ ndjson, records }) => ({ items: [ndjson], records })),
    dead,
  });
  /**
   * On this thread: the transcoder's lines or, should it throw (a bug of its own, since bad data
   * becomes dead letters), the same lines made the reference way, so that no batch ends the run.
   */
  const here = (batch: PulledBatch, chunkRecords: number): FedBatch<Buffer> => {
    for (const spare of spares.splice(0)) transcoder.recycle(spare);
    try {
      return fed(transcoder.transcode(batch, chunkRecords));
    } catch (error) {
      log.error({ err: error, shard: batch.shard, cursor: batch.cursor }, 'the NDJSON transcoder failed on a batch; writing it by parsing each log instead');
      return fedByParsing(batch, parser, chunkRecords, (records) => [encodeNdjson(records)]);
    }
  };
  return {
    read(batch, chunkRecords) {
      if (pool === undefined || pool.saturated) return here(batch, chunkRecords);
      return pool.decode(batch, chunkRecords, spares.splice(0)).then(fed, (error: unknown) => {
        // A thread that fails is a bug, not bad data. If it handed the bytes back, the batch is
        // decoded here; if it died with them, the batch cannot be acked, and the run must end.
        if (batch.logGroupList.byteLength !== batch.rawSize) throw error;
        log.error({ err: error, shard: batch.shard, cursor: batch.cursor }, 'a decode thread failed; decoding on the main thread');
        return here(batch, chunkRecords);
      });
    },
    async write(buffers, signal) {
      await sink.write(buffers, signal);
      for (const buffer of buffers) {
        const own = recyclable(buffer);
        if (own !== undefined && spares.length < MAX_SPARES) spares.push(own);
      }
    },
    close: () => pool?.close(),
  };
}

/**
 * Written chunks' buffers kept for the next batch. One commit gives back a chunk per worker, far
 * more than a batch fills; a buffer dropped here has waited out its commit, long enough to be
 * promoted, and would wait for a full collection. The transcoders keep what they can use.
 */
const MAX_SPARES = 16;

/**
 * The ArrayBuffer behind a chunk's buffer, when it is the chunk's alone (every feed item is made
 * for its chunk); a Buffer from Node's shared pool, which others use too, is not.
 */
function recyclable(buffer: Buffer): ArrayBuffer | undefined {
  const memory = buffer.buffer;
  return memory instanceof ArrayBuffer && buffer.byteOffset === 0 && memory.byteLength > Buffer.poolSize ? memory : undefined;
}
