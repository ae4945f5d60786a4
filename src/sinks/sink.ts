// The one contract every sink keeps (the four verbs of Redpanda Connect's outputs). The
// pipeline's batcher calls write() with the records of many workers at once; when write()
// resolves, those records are durable and their acks may move checkpoints forward.
//
// A sink says what it takes. A database takes records (objects it maps onto columns); a sink
// that writes NDJSON takes the lines already encoded, which the pipeline writes straight from
// the pulled protobuf bytes (src/pipeline/batch-transcoder.ts), several times faster than
// building the records and serialising them.

import type { RequestRecord } from '../parse/request-record.js';

export interface SinkHealth {
  ok: boolean;
  /** Why not, when not ok. */
  detail?: string;
}

interface SinkLifecycle {
  /** Opens files or connections; a sink that cannot open throws a SinkError naming the cause. */
  open(): Promise<void>;
  /** Flushes and releases everything; safe to call twice, and without open(). */
  close(): Promise<void>;
  health(): SinkHealth;
}

/**
 * write() stores the batch durably (file: write + fsync; database: a committed transaction)
 * and resolves only then. It rejects with a SinkError; nothing of a rejected batch may be
 * taken as written. `signal` aborts a write that the drain deadline no longer waits for.
 */
export interface RecordSink extends SinkLifecycle {
  readonly input: 'records';
  write(records: readonly RequestRecord[], signal?: AbortSignal): Promise<void>;
}

/**
 * As RecordSink, with the batch as NDJSON: one `JSON.stringify(record)` line per record, in
 * buffers to be written one after the other (a batch is megabytes: joining them would copy it).
 */
export interface NdjsonSink extends SinkLifecycle {
  readonly input: 'ndjson';
  write(ndjson: readonly Buffer[], signal?: AbortSignal): Promise<void>;
}

export type Sink = RecordSink | NdjsonSink;

/** What the pipeline needs of a sink: what it takes, and how to write it. */
export type SinkTarget = Pick<RecordSink, 'input' | 'write'> | Pick<NdjsonSink, 'input' | 'write'>;
