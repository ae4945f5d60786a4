// The group's checkpoints, as this consumer reads and writes them. The only value ever
// written is a cursor the pipeline reported durable (AckView.watermark) or the end of a
// readonly shard read to its end; never the pull position. Writes use forceSuccess=false,
// so the server refuses a write for a shard that is no longer ours instead of moving the
// new owner's checkpoint back (the Go and Python consumers force every write).

import type { Logger } from 'pino';
import type { AckView } from '../../pipeline/pulled-batch.js';
import type { ShardCheckpoint } from '../source.js';
import type { SlsClient } from '../../sls/client.js';
import { decodeCursor } from '../../sls/cursor.js';
import { SlsError, sameCode } from '../../sls/errors.js';
import type { Retrier } from './retry.js';

export interface CheckpointerOptions {
  client: SlsClient;
  logstore: string;
  group: string;
  consumer: string;
  acks: AckView;
  retrier: Retrier;
  log: Logger;
  /** Ends retries in progress (the source's lifetime). */
  signal: AbortSignal;
  /** Told when the server says a shard is not ours any more (it moved on, or we expired). */
  onLost(shard: number): void;
  /** Milliseconds clock (checkpoint age); default Date.now. */
  now?: () => number;
}

/** What became of a commit. */
export type CommitOutcome = 'committed' | 'unchanged' | 'lost';

/** Answers to a forceSuccess=false write that mean "this shard is not yours": no retry can help. */
const NOT_OURS = ['ConsumerNotMatch', 'ConsumerNotExist'];

export class Checkpointer {
  readonly #options: CheckpointerOptions;
  /** Per shard, the position the group's checkpoint is known to hold (from reading or writing it). */
  readonly #stored = new Map<number, bigint>();
  /** Per shard, the last write queued: writes of one shard go out one at a time, in order. */
  readonly #tails = new Map<number, Promise<unknown>>();
  /** Per shard this run held, the checkpoint it read or last wrote; kept after the shard is given back (the run's summary). */
  readonly #left = new Map<number, string>();
  /** Per shard, when the group's checkpoint was last known to hold every acked record (read, written, or found current). */
  readonly #currentAt = new Map<number, number>();
  readonly #now: () => number;

  constructor(options: CheckpointerOptions) {
    this.#options = options;
    this.#now = options.now ?? Date.now;
  }

  /** The group's checkpoint for `shard` ('' when none), remembered so an unchanged watermark is not written again. */
  async read(shard: number, signal: AbortSignal): Promise<string> {
    const { client, logstore, group, retrier } = this.#options;
    const entries = await retrier.call(`GetCheckPoint ${logstore}/${group}/${shard}`, () => client.getCheckpoints(logstore, group, shard), signal);
    const checkpoint = entries.find((entry) => entry.shard === shard)?.checkpoint ?? '';
    if (checkpoint === '') this.#stored.delete(shard);
    else {
      this.#stored.set(shard, decodeCursor(checkpoint));
      this.#left.set(shard, checkpoint);
    }
    this.#currentAt.set(shard, this.#now());
    return checkpoint;
  }

  /** The checkpoint this run left for each shard it held and found or wrote one for, by shard. */
  left(): ShardCheckpoint[] {
    return [...this.#left].map(([shard, checkpoint]) => ({ shard, checkpoint })).sort((a, b) => a.shard - b.shard);
  }

  /** Stops tracking `shard` (released or lost); a later read() starts over from the server's value. */
  forget(shard: number): void {
    this.#stored.delete(shard);
    this.#currentAt.delete(shard);
  }

  /**
   * Seconds since the group's checkpoint of `shard` last covered everything acked: it grows
   * while checkpoints cannot be written, and stays below the checkpoint interval otherwise.
   * Undefined for a shard not read in this hold.
   */
  ageSeconds(shard: number): number | undefined {
    const at = this.#currentAt.get(shard);
    return at === undefined ? undefined : Math.max(0, (this.#now() - at) / 1000);
  }

  /** Commits the pipeline's watermark of `shard`, if it is past what the group already holds. */
  commitWatermark(shard: number): Promise<CommitOutcome> {
    const watermark = this.#options.acks.watermark(shard);
    if (watermark !== undefined) return this.commit(shard, watermark, false);
    // Nothing acked in this run: the checkpoint as read is as current as it can be.
    if (this.#currentAt.has(shard)) this.#currentAt.set(shard, this.#now());
    return Promise.resolve('unchanged');
  }

  /**
   * Writes `cursor` as the checkpoint of `shard`, unless the group already holds that
   * position or a later one: a checkpoint only moves forward, so a watermark left over from
   * an earlier hold of the shard can never pull back what another consumer committed since.
   * "Already holds" is what this consumer knows: call it for a hold only after read() (the
   * source commits a shard only once its puller has started, which reads it).
   * `always` writes even an equal value (ending a readonly shard: the write is what tells
   * the server the shard is finished).
   */
  commit(shard: number, cursor: string, always: boolean): Promise<CommitOutcome> {
    const write = (this.#tails.get(shard) ?? Promise.resolve()).then(() => this.#write(shard, cursor, always));
    this.#tails.set(shard, write.catch(() => undefined));
    return write;
  }

  async #write(shard: number, cursor: string, always: boolean): Promise<CommitOutcome> {
    const position = decodeCursor(cursor);
    const stored = this.#stored.get(shard);
    if (stored !== undefined && (always ? position < stored : position <= stored)) {
      this.#currentAt.set(shard, this.#now());
      return 'unchanged';
    }
    const { client, logstore, group, consumer, retrier, log, signal } = this.#options;
    const update = { shard, checkpoint: cursor, consumer, forceSuccess: false };
    try {
      await retrier.call(`UpdateCheckPoint ${logstore}/${group}/${shard}`, () => client.updateCheckpoint(logstore, group, update), signal);
    } catch (error) {
      if (!(error instanceof SlsError) || !NOT_OURS.some((code) => sameCode(error.code, code))) throw error;
      log.warn({ shard, code: error.code, checkpoint: cursor }, `shard ${shard} is no longer held by this consumer; its checkpoint was not written and the shard is dropped`);
      this.#stored.delete(shard);
      this.#options.onLost(shard);
      return 'lost';
    }
    this.#stored.set(shard, position);
    this.#left.set(shard, cursor);
    this.#currentAt.set(shard, this.#now());
    log.debug({ shard, checkpoint: cursor }, 'checkpoint committed');
    return 'committed';
  }
}
