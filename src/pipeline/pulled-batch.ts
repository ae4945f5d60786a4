// The contract between a source and the pipeline. A source hands over what one PullLogs
// answer returned, still encoded (decoding belongs to the pipeline's hot path, where it can
// be chunked or moved off the main thread), and learns from the pipeline how far each
// shard's records are durable, which is the only thing a checkpoint may ever say.

/** The log groups of one PullLogs answer, tagged with where they came from. */
export interface PulledBatch {
  shard: number;
  /** The cursor the batch was read at: the position of its first log group. */
  cursor: string;
  /** The cursor after its last log group: the shard's checkpoint once this batch and every earlier one are acked. */
  nextCursor: string;
  /** The decompressed LogGroupList (see src/sls/codec/log-group-list-decoder.ts). */
  logGroupList: Uint8Array;
  /** Log groups in `logGroupList`. */
  logGroups: number;
  /** Bytes of `logGroupList`. */
  rawSize: number;
}

/** Where a source delivers batches; the pipeline implements it. */
export interface BatchIntake {
  /**
   * Resolves when the queue has room for another pull (records in flight below capacity, and
   * fewer batches on decode threads than they may hold: two per thread). A source awaits it
   * before each PullLogs, so memory stays bounded by capacity plus those batches plus one pull
   * per shard. Rejects with the signal's reason when `signal` aborts first.
   */
  room(signal: AbortSignal): Promise<void>;
  /** Takes a batch: decodes, parses and queues its records, and tracks their acks. Never throws for bad data. */
  accept(batch: PulledBatch): void;
}

/** What a source may know about acks: enough to write checkpoints that never pass unwritten data. */
export interface AckView {
  /**
   * The highest cursor below which every accepted record of `shard` is durable (in a sink or
   * the dead-letter file): the `nextCursor` of the last batch of an unbroken run of acked
   * batches. Undefined while nothing of the shard has been acked.
   */
  watermark(shard: number): string | undefined;
  /** Resolves once no accepted batch of `shard` is waiting for its ack (at once if none is). */
  settled(shard: number): Promise<void>;
}
