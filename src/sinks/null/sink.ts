// The null sink: acknowledges every batch without writing it, and counts what it was given.
// For tests and benchmarks, where the sink is not the thing being measured. It takes NDJSON,
// the cheapest input the pipeline makes: decoded on the decode threads, as bytes, with no
// record object on the main thread (a record sink would have every log parsed there).

import { abortedError, closedError, notOpenError } from '../lifecycle-errors.js';
import type { NdjsonSink, SinkHealth } from '../sink.js';

const NAME = 'null sink';

const NEWLINE = 0x0a;

export class NullSink implements NdjsonSink {
  readonly input = 'ndjson';
  #state: 'new' | 'open' | 'closed' = 'new';
  #records = 0;
  #batches = 0;

  /** Records (NDJSON lines) acknowledged so far. */
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
  async write(ndjson: readonly Buffer[], signal?: AbortSignal): Promise<void> {
    if (this.#state !== 'open') throw this.#state === 'new' ? notOpenError(NAME) : closedError(NAME);
    if (signal?.aborted) throw abortedError(NAME, signal);
    for (const buffer of ndjson) this.#records += countLines(buffer);
    this.#batches += 1;
  }

  async close(): Promise<void> {
    this.#state = 'closed';
  }

  health(): SinkHealth {
    return { ok: true };
  }
}

function countLines(buffer: Buffer): number {
  let lines = 0;
  for (let at = buffer.indexOf(NEWLINE); at >= 0; at = buffer.indexOf(NEWLINE, at + 1)) lines += 1;
  return lines;
}
