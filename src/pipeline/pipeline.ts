// The middle of sluice: batches in from the source, records out to the sink, acks back.
//
// accept() decodes a batch at once into chunks of what the sink takes, records or NDJSON lines
// (synchronous: see sink-feed.ts), and queues them; `workers` tasks (p-queue) hand chunks to the sink's batcher,
// which writes many chunks in one commit; a committed chunk is acked, and the ack tracker
// turns acks into per-shard watermarks. Memory stays bounded because the source awaits room()
// before each pull, and room() waits for acks.

import PQueue from 'p-queue';
import type { Logger } from 'pino';
import type { RequestRecord } from '../parse/request-record.js';
import type { RequestParserOptions } from '../parse/request-parser.js';
import type { SinkTarget } from '../sinks/sink.js';
import { SinkError } from '../sinks/sink-error.js';
import { AckTracker, type BatchAck } from './ack-tracker.js';
import type { BackoffOptions } from './backoff.js';
import { BATCHES_PER_THREAD } from './decode-pool.js';
import type { DeadLetter, DeadLetterEntry, DeadLetterWriter, RefusedRecordEntry } from './dead-letter.js';
import type { AckView, BatchIntake, PulledBatch } from './pulled-batch.js';
import { ShardFlows, type ShardFlow } from './shard-flows.js';
import { SinkBatcher, type BatchLimits, type CommitObserver, type RefusedItem } from './sink-batcher.js';
import { sinkFeed, type FedBatch, type SinkFeed } from './sink-feed.js';
import { Waiters } from './waiters.js';

export interface PipelineOptions {
  sink: SinkTarget;
  deadLetter: DeadLetterWriter;
  /** How logs become records (fields kept). */
  parse: RequestParserOptions;
  /** Chunks handed to the batcher at once (p-queue concurrency). */
  workers: number;
  /** Records in flight (accepted, not yet durable) above which room() waits. */
  queueCapacity: number;
  batch: BatchLimits;
  /** Records per queue item; default 1000. A p-queue task per record would cost more than decoding it. */
  chunkRecords?: number;
  /** Threads that decode for an NDJSON sink (see decode-pool.ts); default 0, the calling thread. */
  decodeThreads?: number;
  /** Test seam: the script of the decode threads (default: the compiled decode-worker.js). */
  decodeScript?: URL;
  log: Logger;
  /** Pacing of the retries of a failing sink, which go on until it works again or abort(). */
  backoff?: BackoffOptions;
  /** Clock for the log of a long sink outage; default Date.now. */
  now?: () => number;
  /** Told of every durable sink commit (not the dead-letter file's): the commit latency metric. */
  onCommit?: CommitObserver;
}

export interface PipelineStats {
  /** Records accepted, dead letters included (an undecodable batch counts as one). */
  acceptedRecords: number;
  /** Records durable in the sink. */
  ackedRecords: number;
  /** Entries durable in the dead-letter file. */
  deadLetteredRecords: number;
  /** accepted - acked - dead-lettered: what room() bounds. */
  inFlightRecords: number;
  peakInFlightRecords: number;
  /** Chunks waiting for a worker. */
  queuedChunks: number;
  /** Workers holding a chunk (most of them waiting for a commit). */
  activeWorkers: number;
  /** Successful sink commits. */
  commits: number;
  /** Failed sink write attempts (each retry counts). */
  commitFailures: number;
  /** Estimated bytes (of the pulled data) the sink committed. */
  bytesCommitted: number;
}

/** The counters behind PipelineStats, split by shard and by error code (the metrics read them). */
export interface PipelineBreakdown {
  shards: ShardFlow[];
  /** Failed write attempts (each retry counts) by SinkError code, of the sink and of the dead-letter file. */
  failuresByCode: { sink: Record<string, number>; deadLetter: Record<string, number> };
}

/** A queue item: one chunk of a batch's records (in the sink's feed's items), or all of its dead letters. */
type Chunk =
  | { ack: BatchAck; kind: 'records'; items: readonly unknown[]; records: number; bytes: number }
  | { ack: BatchAck; kind: 'dead'; items: DeadLetterEntry[] };

export const DEFAULT_CHUNK_RECORDS = 1000;

export class Pipeline implements BatchIntake, AckView {
  /** Rejects, once, with what made the pipeline give up (a SinkError, or a decode thread that died); never resolves. */
  readonly failed: Promise<never>;
  readonly #rejectFailed: (error: Error) => void;
  readonly #feed: SinkFeed<unknown>;
  readonly #log: Logger;
  readonly #workers: number;
  readonly #capacity: number;
  readonly #chunkRecords: number;
  readonly #queue: PQueue;
  readonly #acks = new AckTracker();
  readonly #flows = new ShardFlows();
  readonly #records: SinkBatcher<unknown>;
  readonly #deadLetters: SinkBatcher<DeadLetter>;
  readonly #room = new Waiters();
  readonly #drained = new Waiters();
  /** Why nothing more gets acked: the sink failure, or abort(). */
  #stopped: Error | undefined;
  #aborted = false;
  #peak = 0;
  /** Worker tasks running, and how many of them wait in a batcher for their commit. */
  #running = 0;
  #waiting = 0;
  /** True while accept() queues a batch's chunks. */
  #accepting = false;
  /** Batches handed to decode threads and not yet back; room() keeps them below #maxDecoding. */
  #decoding = 0;
  readonly #maxDecoding: number;

  constructor(options: PipelineOptions) {
    let rejectFailed!: (error: Error) => void;
    this.failed = new Promise<never>((_, reject) => (rejectFailed = reject));
    // Observed here so that a run that never looks at `failed` gets no unhandled rejection.
    this.failed.catch(() => undefined);
    this.#rejectFailed = rejectFailed;
    const decodeThreads = options.decodeThreads ?? 0;
    const { parse, decodeScript, log } = options;
    this.#feed = sinkFeed(options.sink, { parse, decodeThreads, log, ...(decodeScript === undefined ? {} : { decodeScript }) });
    // Enough batches in the threads' hands to keep each busy while the next one arrives.
    this.#maxDecoding = Math.max(1, BATCHES_PER_THREAD * decodeThreads);
    this.#log = options.log;
    this.#workers = options.workers;
    this.#capacity = options.queueCapacity;
    this.#chunkRecords = options.chunkRecords ?? DEFAULT_CHUNK_RECORDS;
    this.#queue = new PQueue({ concurrency: options.workers });
    const common = {
      ...options.batch,
      log: options.log,
      backlog: () => this.#inFlight(),
      onFailure: (error: SinkError) => this.#fail(error),
      backoff: options.backoff,
      now: options.now,
    };
    // Only records can be set aside: an NDJSON sink never blames the data, and if it did, it
    // would be broken (the batcher then stops, as on any permanent failure).
    const setAside = options.sink.input === 'records' ? { setAside: (refused: readonly RefusedItem<unknown>[]) => this.#setAside(refused) } : {};
    this.#records = new SinkBatcher({ ...common, ...setAside, onCommitted: options.onCommit, target: this.#feed, name: 'sink' });
    // The dead-letter file appends one write at a time: a second commit in flight would wait there.
    this.#deadLetters = new SinkBatcher({ ...common, maxInFlight: 1, target: options.deadLetter, name: 'dead-letter file' });
  }

  room(signal: AbortSignal): Promise<void> {
    if (this.#hasRoom()) return signal.aborted ? Promise.reject(signal.reason) : Promise.resolve();
    return this.#room.wait(signal);
  }

  accept(batch: PulledBatch): void {
    // Opened before decoding, with the decode as its first part, so that the batches of a
    // shard are acked in pull order however long each takes to decode.
    const ack = this.#acks.open(batch.shard, batch.nextCursor, 1);
    const fed = this.#feed.read(batch, this.#chunkRecords);
    if (!(fed instanceof Promise)) {
      this.#queueDecoded(batch, ack, fed);
      return;
    }
    this.#decoding += 1;
    fed.then(
      (decoded) => {
        this.#decoding -= 1;
        this.#queueDecoded(batch, ack, decoded);
        if (this.#hasRoom()) this.#room.wake();
      },
      (error: unknown) => {
        // Its batch can never be acked: end the run, so that a restart reads it again.
        const reason = error instanceof Error ? error.message : String(error);
        this.#fail(new Error(`shard ${batch.shard}'s records from cursor ${batch.cursor} could not be decoded (${reason}); they stay unacknowledged and are read again after a restart`));
      },
    );
  }

  watermark(shard: number): string | undefined {
    return this.#acks.watermark(shard);
  }

  settled(shard: number): Promise<void> {
    return this.#acks.settled(shard);
  }

  /**
   * Resolves when every accepted record is durable and acked (queue empty, no active task,
   * batchers flushed). Rejects with the signal's reason if it aborts first, or with the error
   * that stopped the pipeline (sink failure, abort()).
   */
  drain(signal?: AbortSignal): Promise<void> {
    if (this.#stopped !== undefined) return Promise.reject(this.#stopped);
    if (signal?.aborted === true) return Promise.reject(signal.reason);
    if (this.#isDrained()) return Promise.resolve();
    // No more batches will come: what is gathering need not wait for its linger.
    this.#records.flush();
    this.#deadLetters.flush();
    return this.#drained.wait(signal);
  }

  /** Drain deadline or second signal: stop retrying, abort the sink writes in flight; nothing more gets acked. */
  abort(): void {
    if (this.#aborted) return;
    this.#aborted = true;
    const error = new SinkError({
      code: 'Aborted',
      retryable: false,
      message: 'the pipeline was aborted (drain deadline or second signal): records not yet written stay unacknowledged and are read again after a restart',
    });
    this.#stopped ??= error;
    // Queued chunks will never be written: drop them now rather than fail them one by one.
    this.#queue.clear();
    this.#records.abort(error);
    this.#deadLetters.abort(error);
    this.#drained.rejectAll(this.#stopped);
  }

  /** Stops the decode threads. After the drain: a batch still decoding would never be acked. */
  async close(): Promise<void> {
    await this.#feed.close();
  }

  stats(): PipelineStats {
    const sink = this.#records.stats();
    const { pulledRecords, writtenRecords, deadLettered } = this.#flows.total;
    return {
      acceptedRecords: pulledRecords,
      ackedRecords: writtenRecords,
      deadLetteredRecords: deadLettered,
      inFlightRecords: this.#inFlight(),
      peakInFlightRecords: this.#peak,
      queuedChunks: this.#queue.size,
      activeWorkers: this.#running,
      commits: sink.commits,
      commitFailures: sink.commitFailures,
      bytesCommitted: sink.bytes,
    };
  }

  breakdown(): PipelineBreakdown {
    return {
      shards: this.#flows.snapshot(),
      failuresByCode: { sink: this.#records.failuresByCode(), deadLetter: this.#deadLetters.failuresByCode() },
    };
  }

  #queueDecoded(batch: PulledBatch, ack: BatchAck, fed: FedBatch<unknown>): void {
    // After an abort or a sink failure nothing more gets acked: the batch stays open.
    if (this.#stopped !== undefined) return;
    const { chunks, dead } = fed;
    this.#acks.add(ack, chunks.length + (dead.length > 0 ? 1 : 0));
    let records = 0;
    for (const chunk of chunks) records += chunk.records;
    this.#flows.pulled(batch.shard, records + dead.length, batch.rawSize);
    this.#peak = Math.max(this.#peak, this.#inFlight());
    // The pull's size spread over its logs: a commit's byte size without serialising to measure it.
    const bytesPerLog = fed.logs > 0 ? batch.rawSize / fed.logs : 0;
    // p-queue starts a task as it is added: until the whole batch is queued, a worker waiting
    // for its commit does not mean that no more records are coming.
    this.#accepting = true;
    for (const { items, records: count } of chunks) {
      this.#enqueue({ ack, kind: 'records', items, records: count, bytes: Math.round(count * bytesPerLog) });
    }
    if (dead.length > 0) {
      this.#log.warn({ shard: batch.shard, cursor: batch.cursor, count: dead.length, firstReason: dead[0]?.reason }, 'logs that cannot be parsed go to the dead-letter file');
      this.#enqueue({ ack, kind: 'dead', items: dead });
    }
    this.#accepting = false;
    this.#acks.done(ack); // the decode part
    this.#checkDrained();
    this.#flushWhenAllWaiting();
  }

  #hasRoom(): boolean {
    return this.#inFlight() < this.#capacity && this.#decoding < this.#maxDecoding;
  }

  #enqueue(chunk: Chunk): void {
    // #work never rejects: a failed commit is reported through `failed`, not per chunk.
    void this.#queue.add(() => this.#work(chunk));
  }

  async #work(chunk: Chunk): Promise<void> {
    this.#running += 1;
    const committed =
      chunk.kind === 'records' ? this.#records.submit(chunk.items, chunk.bytes, chunk.records) : this.#deadLetters.submit(chunk.items, 0);
    this.#waiting += 1;
    this.#flushWhenAllWaiting();
    try {
      // Records the sink refused are in the dead-letter file by now: the chunk is done either way.
      const setAside = await committed;
      if (chunk.kind === 'records') {
        const written = chunk.records - setAside;
        this.#flows.written(chunk.ack.shard, written, chunk.records > 0 ? Math.round((chunk.bytes * written) / chunk.records) : 0);
        this.#flows.deadLettered(chunk.ack.shard, setAside);
      } else {
        this.#flows.deadLettered(chunk.ack.shard, chunk.items.length);
      }
      this.#acks.done(chunk.ack);
    } catch {
      // The batcher gave up (reported once through `failed`) or was aborted: the chunk stays unacked.
    } finally {
      this.#waiting -= 1;
      this.#running -= 1;
    }
    if (this.#hasRoom()) this.#room.wake();
    this.#checkDrained();
    this.#flushWhenAllWaiting();
  }

  /** Records the sink refused for their data go to the dead-letter file, durably, before their chunks are acked. */
  #setAside(refused: readonly RefusedItem<unknown>[]): Promise<void> {
    const entries = refused.map(({ item, error }): RefusedRecordEntry => {
      const record = item as RequestRecord;
      return { reason: error.message, position: { shard: record.shard, cursor: record.cursor, index: record.index }, record };
    });
    const written = this.#deadLetters.submit(entries, 0);
    // A sink commit waits for these: nothing else is worth lingering for.
    this.#deadLetters.flush();
    return written.then(() => undefined);
  }

  /**
   * When every running worker waits for a commit and no other chunk can start, no more records
   * can join the gathering commits before their linger ends: close them now. Linger then only
   * delays a commit while records are still arriving.
   */
  #flushWhenAllWaiting(): void {
    // A batch still decoding will bring records soon: its arrival flushes instead (or the linger does).
    if (this.#accepting || this.#decoding > 0 || this.#running === 0 || this.#waiting < this.#running) return;
    if (this.#queue.size > 0 && this.#running < this.#workers) return;
    this.#records.flush();
    this.#deadLetters.flush();
  }

  #fail(error: Error): void {
    if (this.#stopped !== undefined) return;
    this.#stopped = error;
    this.#rejectFailed(error);
    this.#drained.rejectAll(error);
  }

  #inFlight(): number {
    const { pulledRecords, writtenRecords, deadLettered } = this.#flows.total;
    return pulledRecords - writtenRecords - deadLettered;
  }

  #isDrained(): boolean {
    return this.#acks.pendingBatches === 0 && this.#queue.size === 0 && this.#running === 0;
  }

  #checkDrained(): void {
    if (this.#drained.size > 0 && this.#isDrained()) this.#drained.wake();
  }
}
