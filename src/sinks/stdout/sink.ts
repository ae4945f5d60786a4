// The stdout sink: NDJSON on standard output, for piping into jq and friends. A commit is
// done when the stream has taken its bytes (the write callback, which waits out
// backpressure); a reader that went away (`| head`) ends the run with OutputClosed.

import type { Writable } from 'node:stream';
import type { Logger } from 'pino';
import { abortedError, closedError, notOpenError } from '../lifecycle-errors.js';
import { SinkError } from '../sink-error.js';
import type { NdjsonSink, SinkHealth } from '../sink.js';

const NAME = 'stdout sink';

/** Stream errors that mean nobody reads the output any more. */
const CLOSED_CODES = new Set(['EPIPE', 'ERR_STREAM_DESTROYED', 'ERR_STREAM_WRITE_AFTER_END', 'ECONNRESET']);

function outputError(error: unknown): SinkError {
  if (error instanceof SinkError) return error;
  const code = (error as NodeJS.ErrnoException).code;
  if (code !== undefined && CLOSED_CODES.has(code)) {
    return new SinkError({
      code: 'OutputClosed',
      retryable: false,
      message: `standard output was closed by its reader (${code}): the command reading sluice's output has exited; records not yet written stay unacknowledged`,
      cause: error,
    });
  }
  return new SinkError({
    code: 'OutputFailed',
    retryable: false,
    message: `writing standard output failed (${code ?? (error as Error).message})`,
    cause: error,
  });
}

export interface StdoutSinkOptions {
  log: Logger;
  /** Where the NDJSON goes; default process.stdout (tests pass a PassThrough). */
  stream?: Writable;
}

export class StdoutSink implements NdjsonSink {
  readonly input = 'ndjson';
  readonly #stream: Writable;
  readonly #log: Logger;
  #state: 'new' | 'open' | 'closed' = 'new';
  /** The first error the stream reported; every later write fails with it. */
  #failure: SinkError | undefined;
  /** The latest write; the stream completes writes in order, so close() only waits for this one. */
  #last: Promise<void> = Promise.resolve();

  constructor(options: StdoutSinkOptions) {
    this.#stream = options.stream ?? process.stdout;
    this.#log = options.log;
  }

  async open(): Promise<void> {
    if (this.#state === 'closed') throw closedError(NAME);
    if (this.#state === 'open') return;
    // Without a listener, an EPIPE 'error' event would crash the process instead of
    // failing the write that met it.
    this.#stream.on('error', this.#onError);
    this.#state = 'open';
  }

  write(ndjson: readonly Buffer[], signal?: AbortSignal): Promise<void> {
    if (this.#state !== 'open') return Promise.reject(this.#state === 'new' ? notOpenError(NAME) : closedError(NAME));
    if (this.#failure !== undefined) return Promise.reject(this.#failure);
    if (signal?.aborted) return Promise.reject(abortedError(NAME, signal));
    const last = ndjson.length - 1;
    if (last < 0) return Promise.resolve();
    const written = new Promise<void>((resolve, reject) => {
      const onAbort = (): void => reject(abortedError(NAME, signal as AbortSignal));
      signal?.addEventListener('abort', onAbort, { once: true });
      // The stream completes writes in order, and fails every write after one that failed:
      // the last write's callback speaks for them all.
      for (let i = 0; i < last; i++) this.#stream.write(ndjson[i]);
      this.#stream.write(ndjson[last], (error) => {
        signal?.removeEventListener('abort', onAbort);
        if (error === undefined || error === null) resolve();
        else reject(this.#fail(error));
      });
    });
    this.#last = written.catch(() => undefined);
    return written;
  }

  /** Waits for the writes already made; the stream itself stays open (it is the process's stdout). */
  async close(): Promise<void> {
    const wasOpen = this.#state === 'open';
    this.#state = 'closed';
    await this.#last;
    // A stream that failed emits 'error' a tick after the failed write's callback: the listener
    // stays, or that event, arriving after close(), would crash the process.
    if (wasOpen && this.#failure === undefined) this.#stream.off('error', this.#onError);
  }

  health(): SinkHealth {
    return this.#failure === undefined ? { ok: true } : { ok: false, detail: this.#failure.message };
  }

  readonly #onError = (error: Error): void => {
    this.#fail(error);
  };

  #fail(error: unknown): SinkError {
    if (this.#failure === undefined) {
      this.#failure = outputError(error);
      this.#log.error({ err: error }, this.#failure.message);
    }
    return this.#failure;
  }
}
