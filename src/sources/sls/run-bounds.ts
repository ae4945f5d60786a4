// Where each shard's reading starts and, for a run with an end (`until`, cron), stops.
//
// Start: the group's checkpoint when it has one (a later run continues exactly where the
// last one's acked data ended), else the configured `from`.
//
// Stop at `until: end`: the end cursor of every shard, captured once when the run starts,
// so a logstore that keeps receiving does not keep the run going. A shard created later
// (the child of a split during the run) holds only data received after that moment, so it
// has nothing to read in this run.
//
// Stop at `until: <time>`: GetCursor(shard, time), the first log group the server received
// at or after that time. SLS positions data by receive time, not by the Log.Time inside the
// logs, so "stops at that time" means "stops before the first group received at or after
// it". Cursors are a total order per shard, so consecutive cron runs with `until` set to
// each run's start split every shard into back-to-back ranges: a run starts at the previous
// run's checkpoint (its stop cursor, once everything before it was acked) and stops at a
// cursor no other run reads past; every log group is delivered exactly once.

import type { SlsClient } from '../../sls/client.js';
import type { Checkpointer } from './checkpointer.js';
import type { Retrier } from './retry.js';
import type { ShardList } from './shard-list.js';

/** Where a shard without a checkpoint starts. */
export type StartFrom = { kind: 'begin' } | { kind: 'end' } | { kind: 'time'; unixSeconds: number };

/** Where the run ends: never (null), at the ends captured at start, or at a receive time. */
export type RunUntil = null | { kind: 'end' } | { kind: 'time'; unixSeconds: number };

/**
 * Where one shard stops: nowhere, at once (nothing to read in this run), at a cursor, or
 * at a time still in the future (its cursor is known only once the time has passed:
 * GetCursor answers the end cursor for a future time).
 */
export type StopPosition = { kind: 'none' } | { kind: 'nothing' } | { kind: 'cursor'; cursor: string } | { kind: 'after'; atMs: number };

export interface RunBoundsOptions {
  client: SlsClient;
  logstore: string;
  from: StartFrom;
  until: RunUntil;
  checkpointer: Checkpointer;
  shardList: ShardList;
  retrier: Retrier;
  /** Milliseconds clock. */
  now: () => number;
}

export class RunBounds {
  readonly #options: RunBoundsOptions;
  /** `until: end`: the end cursor of every shard that existed when the run started. */
  #ends: ReadonlyMap<number, string> | undefined;

  constructor(options: RunBoundsOptions) {
    this.#options = options;
  }

  /** With `until: end`, captures every shard's end cursor; call once, before any shard starts. */
  async capture(signal: AbortSignal): Promise<void> {
    if (this.#options.until?.kind !== 'end') return;
    const shards = await this.#options.shardList.shards(signal, true);
    const ends = await Promise.all(shards.map(async ({ shardID }) => [shardID, await this.cursor(shardID, 'end', signal)] as const));
    this.#ends = new Map(ends);
  }

  /** The cursor `shard` starts at, and where it comes from (for the log). */
  async start(shard: number, signal: AbortSignal): Promise<{ cursor: string; origin: string }> {
    const checkpoint = await this.#options.checkpointer.read(shard, signal);
    if (checkpoint !== '') return { cursor: checkpoint, origin: 'checkpoint' };
    const { from } = this.#options;
    const position = from.kind === 'time' ? from.unixSeconds : from.kind;
    return { cursor: await this.cursor(shard, position, signal), origin: `from ${from.kind === 'time' ? new Date(from.unixSeconds * 1000).toISOString() : from.kind}` };
  }

  /** Where `shard` stops in this run. */
  async stop(shard: number, signal: AbortSignal): Promise<StopPosition> {
    const { until, now } = this.#options;
    if (until === null) return { kind: 'none' };
    if (until.kind === 'end') {
      const end = this.#ends?.get(shard);
      return end === undefined ? { kind: 'nothing' } : { kind: 'cursor', cursor: end };
    }
    const atMs = until.unixSeconds * 1000;
    if (now() < atMs) return { kind: 'after', atMs };
    return { kind: 'cursor', cursor: await this.cursor(shard, until.unixSeconds, signal) };
  }

  /** GetCursor, with retries. */
  cursor(shard: number, from: 'begin' | 'end' | number, signal: AbortSignal): Promise<string> {
    const { client, logstore, retrier } = this.#options;
    return retrier.call(`GetCursor ${logstore}/${shard} ${from}`, () => client.getCursor(logstore, shard, from), signal);
  }
}
