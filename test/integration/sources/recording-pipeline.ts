// A stand-in for the pipeline, implementing the two interfaces a source talks to: it keeps
// every batch it is handed, acks them at once or on command (in order per shard, as the
// real ack tracker's watermark moves), and can hold back room so a puller stops pulling.

import { decodeLogGroupList } from '../../../src/sls/codec/log-group-list-decoder.js';
import type { AckView, BatchIntake, PulledBatch } from '../../../src/pipeline/pulled-batch.js';

interface ShardAcks {
  unacked: PulledBatch[];
  watermark: string | undefined;
  settled: Array<() => void>;
}

export class RecordingPipeline implements BatchIntake, AckView {
  readonly batches: PulledBatch[] = [];
  /** The request_id of every record accepted, in order. */
  readonly requestIds: string[] = [];
  readonly #autoAck: boolean;
  readonly #shards = new Map<number, ShardAcks>();
  /** room() waits while this many batches or more were accepted. */
  #roomLimit = Infinity;
  #roomWaiters: Array<() => void> = [];

  constructor(options: { autoAck?: boolean } = {}) {
    this.#autoAck = options.autoAck ?? true;
  }

  room(signal: AbortSignal): Promise<void> {
    if (this.batches.length < this.#roomLimit) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const onAbort = (): void => reject(signal.reason as Error);
      signal.addEventListener('abort', onAbort, { once: true });
      this.#roomWaiters.push(() => {
        signal.removeEventListener('abort', onAbort);
        resolve();
      });
    });
  }

  accept(batch: PulledBatch): void {
    this.batches.push(batch);
    for (const record of decodeLogGroupList(batch.logGroupList)) this.requestIds.push(record.fields.request_id ?? '');
    this.#acks(batch.shard).unacked.push(batch);
    if (this.#autoAck) this.ack(batch.shard);
  }

  /** Acks the oldest `count` unacked batches of `shard` (all by default). */
  ack(shard: number, count = Infinity): void {
    const acks = this.#acks(shard);
    const done = acks.unacked.splice(0, count);
    if (done.length > 0) acks.watermark = done.at(-1)?.nextCursor;
    if (acks.unacked.length === 0) acks.settled.splice(0).forEach((resolve) => resolve());
  }

  ackAll(): void {
    for (const shard of this.#shards.keys()) this.ack(shard);
  }

  watermark(shard: number): string | undefined {
    return this.#shards.get(shard)?.watermark;
  }

  settled(shard: number): Promise<void> {
    const acks = this.#acks(shard);
    return acks.unacked.length === 0 ? Promise.resolve() : new Promise((resolve) => acks.settled.push(resolve));
  }

  /** From now on, room() waits once `batches` batches have been accepted (Infinity: never). */
  limitRoom(batches: number): void {
    this.#roomLimit = batches;
    if (this.batches.length < batches) this.#roomWaiters.splice(0).forEach((open) => open());
  }

  batchesOf(shard: number): PulledBatch[] {
    return this.batches.filter((batch) => batch.shard === shard);
  }

  #acks(shard: number): ShardAcks {
    let acks = this.#shards.get(shard);
    if (acks === undefined) {
      acks = { unacked: [], watermark: undefined, settled: [] };
      this.#shards.set(shard, acks);
    }
    return acks;
  }
}
