// What went through the pipeline per shard, counted for the whole run: what was pulled
// (decoded and queued) and what became durable, in the sink or the dead-letter file. The
// metrics read it at scrape time; the counters move once per batch or chunk, never per
// record. Kept here rather than per puller: a shard given away and taken back gets a new
// puller, and a counter that starts again from zero would read as a reset.

/** One shard's counts since the run started. */
export interface ShardFlow {
  shard: number;
  /** Logs pulled and queued (records and dead letters alike), once decoded. */
  pulledRecords: number;
  /** LogGroupList bytes (uncompressed) of those pulls. */
  pulledBytes: number;
  /** Records durable in the sink. */
  writtenRecords: number;
  /** The share of the pulled bytes those records came from (a pull's size spread over its logs). */
  writtenBytes: number;
  /** Entries durable in the dead-letter file. */
  deadLettered: number;
}

export class ShardFlows {
  readonly #byShard = new Map<number, ShardFlow>();

  pulled(shard: number, records: number, bytes: number): void {
    const flow = this.#flow(shard);
    flow.pulledRecords += records;
    flow.pulledBytes += bytes;
  }

  written(shard: number, records: number, bytes: number): void {
    const flow = this.#flow(shard);
    flow.writtenRecords += records;
    flow.writtenBytes += bytes;
  }

  deadLettered(shard: number, entries: number): void {
    this.#flow(shard).deadLettered += entries;
  }

  /** Every shard seen so far, by shard id; copies, so a reader cannot change the counts. */
  snapshot(): ShardFlow[] {
    return [...this.#byShard.values()].sort((a, b) => a.shard - b.shard).map((flow) => ({ ...flow }));
  }

  #flow(shard: number): ShardFlow {
    let flow = this.#byShard.get(shard);
    if (flow === undefined) {
      flow = { shard, pulledRecords: 0, pulledBytes: 0, writtenRecords: 0, writtenBytes: 0, deadLettered: 0 };
      this.#byShard.set(shard, flow);
    }
    return flow;
  }
}
