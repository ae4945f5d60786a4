// One shard's reading loop: PullLogs from the start cursor, hand each non-empty answer to
// the pipeline, repeat. The pull position lives only here, in memory; what the group's
// checkpoint says comes only from the pipeline's acks (see checkpointer.ts), so a crash
// re-reads from the last durable position and never skips.
//
// A puller acts only while its shard is held (the ownership rule, consumer-group-source.ts).
// Its signal aborts when the hold ends; every SLS call it makes goes through Retrier.call,
// which neither sends a request nor returns an answer once the signal has aborted, so no
// batch is accepted after that; and its one commit (a readonly shard's end) checks the hold
// again after waiting for the acks. A shard given away while its start cursor is being
// resolved is never read, and `started` stays false: nothing is committed for that hold.

import type { Logger } from 'pino';
import { sleep } from '../../pipeline/backoff.js';
import type { BatchIntake } from '../../pipeline/pulled-batch.js';
import type { PullResult, SlsClient } from '../../sls/client.js';
import { decodeCursor } from '../../sls/cursor.js';
import { SlsError, sameCode } from '../../sls/errors.js';
import type { CompressType } from '../../sls/types.js';
import type { PauseGate } from './pause-gate.js';
import { PullSizer } from './pull-sizer.js';
import type { Retrier } from './retry.js';
import type { RunBounds, StopPosition } from './run-bounds.js';
import type { ShardList } from './shard-list.js';

/** Counters summed over every puller of a source. */
export interface PullCounters {
  pulls: number;
  pulledLogGroups: number;
  pulledBytes: number;
}

/** What every puller of a source shares. */
export interface PullerContext {
  client: SlsClient;
  logstore: string;
  intake: BatchIntake;
  gate: PauseGate;
  retrier: Retrier;
  bounds: RunBounds;
  shardList: ShardList;
  log: Logger;
  /** Pause between pulls of a caught-up shard (ms). */
  idleWaitMs: number;
  /** Log groups asked for per PullLogs at most (1..1000). */
  pullCount: number;
  /** Decompressed bytes a PullLogs aims at (see pull-sizer.ts). */
  pullBytes: number;
  compression: CompressType | undefined;
  counters: PullCounters;
  /** Milliseconds clock. */
  now: () => number;
  /** A readonly shard was read to its end, `end`: wait for its acks and commit that end. */
  finishReadonly(shard: number, end: string, signal: AbortSignal): Promise<void>;
}

/** How a puller ended: its shard is read to the run's stop (or to the end of a readonly shard), or it was stopped. */
export type PullerEnd = 'done' | 'stopped';

export interface ShardProgress {
  shard: number;
  /** Where the next pull starts ('' before the start cursor is known). */
  cursor: string;
  caughtUp: boolean;
  done: boolean;
  lagSeconds: number;
}

export class ShardPuller {
  readonly shard: number;
  /** Settles when the loop ends; rejects with a fatal error (a non-retryable SlsError, or retries exhausted). */
  readonly finished: Promise<PullerEnd>;
  readonly #ctx: PullerContext;
  readonly #controller = new AbortController();
  #cursor = '';
  #caughtUp = false;
  #started = false;
  #done = false;
  #running = true;
  /** Set once ListShards showed the shard readonly: from then on, a caught-up pull means its end. */
  #sealed = false;
  /** While a stop time is still ahead: the shard's end when last asked (see #bound). */
  #aheadEnd: string | undefined;
  /** Server receive time near the cursor of the last pull (Unix s). */
  #cursorTime: number | undefined;
  readonly #sizer: PullSizer;

  constructor(shard: number, ctx: PullerContext) {
    this.shard = shard;
    this.#ctx = ctx;
    this.#sizer = new PullSizer(ctx.pullCount, ctx.pullBytes);
    this.finished = this.#run().finally(() => (this.#running = false));
  }

  /** No new PullLogs; an answer in flight is dropped (never accepted). */
  stop(): void {
    this.#controller.abort(new Error(`shard ${this.shard}: pulling stopped`));
  }

  /**
   * The start cursor is resolved, the group's checkpoint read, while the shard was held: from
   * here on the shard is read, and its acks may be committed (before, the checkpointer does
   * not know what the group holds, so a forward-only write has nothing to compare with).
   */
  get started(): boolean {
    return this.#started;
  }

  /** Read to its stop (or a readonly shard's end). */
  get done(): boolean {
    return this.#done;
  }

  /** The loop has not ended yet (it may be waiting for an answer already stopped). */
  get running(): boolean {
    return this.#running;
  }

  progress(): ShardProgress {
    return { shard: this.shard, cursor: this.#cursor, caughtUp: this.#caughtUp, done: this.#done, lagSeconds: this.lagSeconds() };
  }

  /** Seconds between now and the receive time of what the last pull read; 0 when caught up. */
  lagSeconds(): number {
    if (this.#caughtUp || this.#done || this.#cursorTime === undefined) return 0;
    return Math.max(0, Math.floor(this.#ctx.now() / 1000) - this.#cursorTime);
  }

  async #run(): Promise<PullerEnd> {
    const { bounds, intake, gate, shardList, log, idleWaitMs } = this.#ctx;
    const signal = this.#controller.signal;
    try {
      const start = await bounds.start(this.shard, signal);
      let stop = await bounds.stop(this.shard, signal);
      // Reading begins only under a live hold, checked after the last await of the start.
      signal.throwIfAborted();
      this.#cursor = start.cursor;
      this.#started = true;
      log.info({ shard: this.shard, cursor: start.cursor, origin: start.origin, stop }, `shard ${this.shard}: reading from ${start.origin}`);
      for (;;) {
        stop = await this.#settle(stop, signal);
        if (this.#reached(stop)) return this.#finish(stop);
        const endCursor = await this.#bound(stop, signal);
        if (endCursor === 'recheck') continue;
        await intake.room(signal);
        await gate.whenOpen(signal);
        // A caught-up answer proves the end of a readonly shard only if the pull was sent
        // after the shard was seen readonly: before that, a write may still have landed.
        const sealedBeforePull = this.#sealed;
        if (!(await this.#pull(endCursor, signal)) || !this.#caughtUp) continue;
        if (sealedBeforePull) {
          await this.#ctx.finishReadonly(this.shard, this.#cursor, signal);
          this.#done = true;
          return 'done';
        }
        this.#sealed = await shardList.isReadonly(this.shard, signal);
        if (!this.#sealed) await sleep(idleWaitMs, signal);
      }
    } catch (error) {
      if (signal.aborted) return 'stopped';
      throw error;
    }
  }

  /** One PullLogs; false when there was nothing to take (restarted after an expired cursor). */
  async #pull(endCursor: string | undefined, signal: AbortSignal): Promise<boolean> {
    const { client, logstore, retrier, intake, compression, counters } = this.#ctx;
    const cursor = this.#cursor;
    const count = this.#sizer.count;
    let result: PullResult;
    try {
      // Stopped while the answer was on its way: the retrier drops it, so nothing is accepted after stop().
      result = await retrier.call(`PullLogs ${logstore}/${this.shard}`, () => client.pullLogs(logstore, this.shard, { cursor, count, endCursor, compression }), signal);
    } catch (error) {
      if (!(error instanceof SlsError && sameCode(error.code, 'InvalidCursor'))) throw error;
      await this.#restartAtBegin(cursor, signal);
      return false;
    }
    counters.pulls += 1;
    counters.pulledLogGroups += result.count;
    counters.pulledBytes += result.rawSize;
    this.#sizer.pulled(result.count, result.rawSize);
    if (result.count > 0) {
      const { nextCursor, logGroupList, count: logGroups, rawSize } = result;
      intake.accept({ shard: this.shard, cursor, nextCursor, logGroupList, logGroups, rawSize });
    }
    this.#caughtUp = result.nextCursor === cursor || (result.endOfCursor && result.count === 0);
    this.#cursorTime = result.cursorTime;
    this.#cursor = result.nextCursor;
    return true;
  }

  /**
   * The cursor fell out of the logstore (older than its TTL: an old checkpoint, or a
   * consumer that fell that far behind). The oldest data still kept is the closest we can
   * get; what lay between has expired unread, which must be said, never skipped silently.
   */
  async #restartAtBegin(expired: string, signal: AbortSignal): Promise<void> {
    const begin = await this.#ctx.bounds.cursor(this.shard, 'begin', signal);
    this.#ctx.log.warn(
      { shard: this.shard, cursor: expired, restartAt: begin },
      `shard ${this.shard}: cursor ${expired} is no longer in the logstore (InvalidCursor: older than its retention); restarting from the oldest data kept, ${begin}. Logs before it expired unread`,
    );
    this.#cursor = begin;
    this.#caughtUp = false;
  }

  /**
   * The next pull's end_cursor: the stop cursor, if known. While the stop time is still
   * ahead, the shard's end as of now: everything before it was received before the stop
   * time, so a pull bounded by it cannot read early what the run must leave to the next one.
   * 'recheck' when the time passed while that end was fetched (it may hold later data).
   */
  async #bound(stop: StopPosition, signal: AbortSignal): Promise<string | undefined | 'recheck'> {
    if (stop.kind === 'cursor') return stop.cursor;
    if (stop.kind !== 'after') return undefined;
    if (this.#aheadEnd === undefined || decodeCursor(this.#cursor) >= decodeCursor(this.#aheadEnd)) {
      this.#aheadEnd = await this.#ctx.bounds.cursor(this.shard, 'end', signal);
      if (this.#ctx.now() >= stop.atMs) return 'recheck';
    }
    return this.#aheadEnd;
  }

  /** A stop time that has passed becomes a stop cursor. */
  async #settle(stop: StopPosition, signal: AbortSignal): Promise<StopPosition> {
    if (stop.kind !== 'after' || this.#ctx.now() < stop.atMs) return stop;
    return this.#ctx.bounds.stop(this.shard, signal);
  }

  #reached(stop: StopPosition): boolean {
    if (stop.kind === 'nothing') return true;
    return stop.kind === 'cursor' && decodeCursor(this.#cursor) >= decodeCursor(stop.cursor);
  }

  #finish(stop: StopPosition): PullerEnd {
    this.#done = true;
    this.#caughtUp = true;
    const why = stop.kind === 'nothing' ? 'created after the run started, it has nothing to read in this run' : 'reached the run\'s stop cursor';
    this.#ctx.log.info({ shard: this.shard, cursor: this.#cursor }, `shard ${this.shard}: ${why}`);
    return 'done';
  }
}
