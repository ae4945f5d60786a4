// The null sink: acknowledges every batch without writing it, and counts what it was given.
// For tests and benchmarks, where the sink is not the thing being measured. It takes counts,
// the cheapest input the pipeline makes: logs are counted in the pulled protobuf, never
// decoded, parsed or serialised (so none is dead-lettered for its content).

import { abortedError, closedError, notOpenError } from '../lifecycle-errors.js';
import type { CountSink, SinkHealth } from '../sink.js';

const NAME = 'null sink';

export class NullSink implements CountSink {
  readonly input = 'count';
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
  async write(counts: readonly number[], signal?: AbortSignal): Promise<void> {
    if (this.#state !== 'open') throw this.#state === 'new' ? notOpenError(NAME) : closedError(NAME);
    if (signal?.aborted) throw abortedError(NAME, signal);
    for (const count of counts) this.#records += count;
    this.#batches += 1;
  }

  async close(): Promise<void> {
    this.#state = 'closed';
  }

  health(): SinkHealth {
    return { ok: true };
  }
}
