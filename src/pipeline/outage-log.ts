// What an operator sees of a sink that keeps failing: the batcher retries a transient failure
// for as long as the run lives, so a database down for an hour would otherwise log a retry
// every few seconds for an hour. The first few failures are logged one by one (with the
// error, the attempt and the wait), then one line at most every EVERY_MS saying how long the
// sink has been failing and how many records wait; and one line when it works again.

import type { Logger } from 'pino';
import type { SinkError } from '../sinks/sink-error.js';

export interface OutageLogOptions {
  /** Names the target, e.g. `sink` or `dead-letter file`. */
  name: string;
  log: Logger;
  now: () => number;
  /** Records waiting to be written, for the lines of a long outage. */
  backlog: () => number;
}

export interface RetryContext {
  /** Records of the write that failed. */
  records: number;
  /** Failures of that write so far. */
  attempt: number;
  retryInMs: number;
}

/** Failures logged one by one before the log slows down. */
const FIRST_FEW = 3;
const EVERY_MS = 30_000;

export class OutageLog {
  readonly #options: OutageLogOptions;
  /** When the first failure since the last success happened; undefined while the target works. */
  #since: number | undefined;
  #failures = 0;
  #lastLogged = 0;

  constructor(options: OutageLogOptions) {
    this.#options = options;
  }

  /** A write failed transiently and will be retried. */
  failed(error: SinkError, context: RetryContext): void {
    const { name, log, now } = this.#options;
    const at = now();
    this.#since ??= at;
    this.#failures += 1;
    if (this.#failures <= FIRST_FEW) {
      this.#lastLogged = at;
      log.warn({ err: error, ...context }, `${name} commit failed; retrying`);
      return;
    }
    if (at - this.#lastLogged < EVERY_MS) return;
    this.#lastLogged = at;
    const failingForMs = at - this.#since;
    const waitingRecords = this.#options.backlog();
    log.warn(
      { err: error, failingForMs, failures: this.#failures, waitingRecords, retryInMs: context.retryInMs },
      `${name} failing for ${Math.round(failingForMs / 1000)} s, ${waitingRecords} records waiting; still retrying`,
    );
  }

  /** A write succeeded: the outage, if any, is over. */
  recovered(): void {
    if (this.#since === undefined) return;
    const { name, log, now } = this.#options;
    const failedForMs = now() - this.#since;
    log.info({ failedForMs, failures: this.#failures }, `${name} works again after ${this.#failures} failed writes`);
    this.#since = undefined;
    this.#failures = 0;
  }
}
