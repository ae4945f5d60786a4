// Per shard, how far the accepted batches are durable. Workers finish out of order, so a batch
// that is done may not move the checkpoint yet: the watermark only advances over the unbroken
// run of done batches from the oldest one, which is what keeps a checkpoint from ever passing
// a record that is not yet in a sink or the dead-letter file.

import type { AckView } from './pulled-batch.js';
import { Waiters } from './waiters.js';

/** One accepted batch: done once all of its parts (record chunks, its dead letters) are durable. */
export interface BatchAck {
  readonly shard: number;
  readonly nextCursor: string;
  /** Parts not yet durable. */
  pending: number;
}

interface ShardAcks {
  /** Batches in accept order; those before `head` are done and already passed by the watermark. */
  batches: BatchAck[];
  head: number;
  watermark: string | undefined;
  settled: Waiters;
}

/** Compact a shard's batch list once this many done batches sit at its front. */
const COMPACT_AFTER = 1024;

export class AckTracker implements AckView {
  readonly #shards = new Map<number, ShardAcks>();
  #pending = 0;

  /** Batches accepted and not yet done, over all shards. */
  get pendingBatches(): number {
    return this.#pending;
  }

  /** Tracks a batch whose durability arrives as `parts` calls of done(); with none it is done at once (in order). */
  open(shard: number, nextCursor: string, parts: number): BatchAck {
    const acks = this.#acks(shard);
    const batch: BatchAck = { shard, nextCursor, pending: parts };
    acks.batches.push(batch);
    this.#pending += 1;
    if (parts === 0) this.#advance(acks);
    return batch;
  }

  /** `batch` turned out to have `parts` more parts (a batch is opened before it is decoded). */
  add(batch: BatchAck, parts: number): void {
    batch.pending += parts;
  }

  /** One part of `batch` is durable. */
  done(batch: BatchAck): void {
    if (batch.pending <= 0) throw new Error(`AckTracker: shard ${batch.shard} batch up to ${batch.nextCursor} acked more often than it has parts`);
    batch.pending -= 1;
    if (batch.pending === 0) this.#advance(this.#acks(batch.shard));
  }

  watermark(shard: number): string | undefined {
    return this.#shards.get(shard)?.watermark;
  }

  settled(shard: number): Promise<void> {
    const acks = this.#shards.get(shard);
    if (acks === undefined || acks.head === acks.batches.length) return Promise.resolve();
    return acks.settled.wait();
  }

  #acks(shard: number): ShardAcks {
    let acks = this.#shards.get(shard);
    if (acks === undefined) {
      acks = { batches: [], head: 0, watermark: undefined, settled: new Waiters() };
      this.#shards.set(shard, acks);
    }
    return acks;
  }

  #advance(acks: ShardAcks): void {
    const batches = acks.batches;
    let head = acks.head;
    while (head < batches.length && (batches[head] as BatchAck).pending === 0) {
      acks.watermark = (batches[head] as BatchAck).nextCursor;
      head += 1;
      this.#pending -= 1;
    }
    if (head === batches.length) {
      batches.length = 0;
      acks.head = 0;
      acks.settled.wake();
    } else if (head >= COMPACT_AFTER) {
      batches.splice(0, head);
      acks.head = 0;
    } else acks.head = head;
  }
}
