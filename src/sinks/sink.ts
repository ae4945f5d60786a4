// The one contract every sink keeps (the four verbs of Redpanda Connect's outputs). The
// pipeline's batcher calls write() with the records of many workers at once; when write()
// resolves, those records are durable and their acks may move checkpoints forward.

import type { RequestRecord } from '../parse/request-record.js';

export interface SinkHealth {
  ok: boolean;
  /** Why not, when not ok. */
  detail?: string;
}

export interface Sink {
  /** Opens files or connections; a sink that cannot open throws a SinkError naming the cause. */
  open(): Promise<void>;
  /**
   * Writes the batch durably (file: write + fsync) and resolves only then. Rejects with a
   * SinkError; nothing of a rejected batch may be taken as written. `signal` aborts a write
   * that the drain deadline no longer waits for.
   */
  write(batch: readonly RequestRecord[], signal?: AbortSignal): Promise<void>;
  /** Flushes and releases everything; safe to call twice, and without open(). */
  close(): Promise<void>;
  health(): SinkHealth;
}
