// The null sink: acknowledges every batch without writing it, and counts what it was given.
// For tests and benchmarks, where the sink is not the thing being measured.

import type { RequestRecord } from '../../parse/request-record.js';
import { abortedError, closedError, notOpenError } from '../lifecycle-errors.js';
import type { RecordSink, SinkHealth } from '../sink.js';

const NAME = 'null sink';

export class NullSink implements RecordSink {
  readonly input = 'records';
  #state: 'new' | 'open' | 'closed' = 'new';
  #records = 0;
  #batches = 0;

  /** Records acknowledged so far. */
  get records(): number {
    return this.#records;
  }

  /** Batches acknowledged so far. */
  get batches(): number {
    return this.#batches;
  }

  async open(): Promise<void> {
    if (this.#state === 'closed') throw closedError(NAME);
    this.#state = 'open';
  }

  // Keeps the same lifecycle rules as a real sink, so a pipeline bug that writes after
  // close() shows up in tests that run with this sink too.
  async write(batch: readonly RequestRecord[], signal?: AbortSignal): Promise<void> {
    if (this.#state !== 'open') throw this.#state === 'new' ? notOpenError(NAME) : closedError(NAME);
    if (signal?.aborted) throw abortedError(NAME, signal);
    this.#records += batch.length;
    this.#batches += 1;
  }

  async close(): Promise<void> {
    this.#state = 'closed';
  }

  health(): SinkHealth {
    return { ok: true };
  }
}
