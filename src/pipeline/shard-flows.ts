// What went through the pipeline per shard, counted for the whole run: what was pulled
// (decoded and queued) and what became durable, in the sink or the dead-letter file. The
// metrics read it at scrape time; the counters move once per batch or chunk, never per
// record. Kept here rather than per puller: a shard given away and taken back gets a new
// puller, and a counter that starts again from zero would read as a reset.

/** Counts since the run started, of one shard or of all of them. */
export interface FlowCounts {
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

/** One shard's counts since the run started. */
export interface ShardFlow extends FlowCounts {
  shard: number;
}

export class ShardFlows {
  readonly #byShard = new Map<number, ShardFlow>();
  readonly #total: FlowCounts = { pulledRecords: 0, pulledBytes: 0, writtenRecords: 0, writtenBytes: 0, deadLettered: 0 };

  /** The sums over every shard, kept as they move: the pipeline's stats read them at no cost. */
  get total(): Readonly<FlowCounts> {
    return this.#total;
  }

  pulled(shard: number, records: number, bytes: number): void {
    for (const counts of [this.#flow(shard), this.#total]) {
      counts.pulledRecords += records;
      counts.pulledBytes += bytes;
    }
  }

  written(shard: number, records: number, bytes: number): void {
    for (const counts of [this.#flow(shard), this.#total]) {
      counts.writtenRecords += records;
      counts.writtenBytes += bytes;
    }
  }

  deadLettered(shard: number, entries: number): void {
    this.#flow(shard).deadLettered += entries;
    this.#total.deadLettered += entries;
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
