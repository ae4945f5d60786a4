// The batch coordinator in front of one sink: workers hand records in, and one commit (one
// file append + fsync, one COPY) carries the records of many workers. A commit closes when it
// holds maxRecords or maxBytes, when lingerMs have passed since its first records, or when
// flush() says no more records can come; then it is written ONCE and every worker whose
// records it carried learns its result. Commits are serial, one in flight per sink, and the
// next one gathers while it is written.
//
// A retryable failure retries the same commit (same records, same order) with jittered
// backoff for up to retryTimeoutMs; then, or at once on a permanent failure, every waiting
// worker learns the error and the batcher refuses all further records: nothing after a lost
// commit may be acked, or a checkpoint could pass it.

import type { Logger } from 'pino';
import { SinkError } from '../sinks/sink-error.js';
import { Backoff, sleep, type BackoffOptions } from './backoff.js';

/** What the batcher writes to: a Sink, or the dead-letter file. */
export interface BatchTarget<T> {
  /** Resolves once `items` are durable; `signal` aborts a write no one waits for any more. */
  write(items: readonly T[], signal?: AbortSignal): Promise<void>;
}

export interface BatchLimits {
  /** A commit closes once it holds this many records (a single larger submission goes alone). */
  maxRecords: number;
  /** ... or this many bytes (estimated by the submitters). */
  maxBytes: number;
  /** ... or once this long has passed since its first submission. */
  lingerMs: number;
}

export interface SinkBatcherOptions<T> extends BatchLimits {
  target: BatchTarget<T>;
  /** Names the target in logs and errors, e.g. `sink` or `dead-letter file`. */
  name: string;
  log: Logger;
  /** Give up retrying a commit that keeps failing after this long (ms). */
  retryTimeoutMs: number;
  backoff?: BackoffOptions;
  /** Called once when the batcher gives up, with the error that made it. */
  onFailure: (error: SinkError) => void;
  /** Clock for the retry timeout; default Date.now. */
  now?: () => number;
}

export interface BatcherStats {
  commits: number;
  commitFailures: number;
  records: number;
  bytes: number;
}

class Commit<T> {
  readonly parts: (readonly T[])[] = [];
  records = 0;
  bytes = 0;
  settled = false;
  timer: NodeJS.Timeout | undefined;
  readonly promise: Promise<void>;
  resolve!: () => void;
  reject!: (error: SinkError) => void;

  constructor() {
    this.promise = new Promise<void>((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
  }

  /** The records of all submissions, in submission order. */
  items(): readonly T[] {
    if (this.parts.length === 1) return this.parts[0] as readonly T[];
    const items: T[] = [];
    for (const part of this.parts) for (let i = 0; i < part.length; i++) items.push(part[i] as T);
    return items;
  }
}

export class SinkBatcher<T> {
  readonly #options: SinkBatcherOptions<T>;
  readonly #backoff: Backoff;
  readonly #now: () => number;
  readonly #abort = new AbortController();
  #gathering: Commit<T> | undefined;
  /** Closed commits waiting for the one in flight, oldest first. */
  readonly #ready: Commit<T>[] = [];
  #inFlight: Commit<T> | undefined;
  /** Set when the batcher gave up or was aborted: every later submission fails with it. */
  #failure: SinkError | undefined;
  readonly #stats: BatcherStats = { commits: 0, commitFailures: 0, records: 0, bytes: 0 };

  constructor(options: SinkBatcherOptions<T>) {
    this.#options = options;
    this.#backoff = new Backoff(options.backoff);
    this.#now = options.now ?? Date.now;
  }

  /**
   * Resolves when the commit that carries `items` is durable; rejects with its SinkError.
   * `records` is how many records the items hold (an NDJSON buffer holds many).
   */
  submit(items: readonly T[], bytes: number, records = items.length): Promise<void> {
    if (this.#failure !== undefined) return Promise.reject(this.#failure);
    const { maxRecords, maxBytes } = this.#options;
    let commit = this.#gathering;
    if (commit !== undefined && (commit.records + records > maxRecords || commit.bytes + bytes > maxBytes)) {
      this.#close();
      commit = undefined;
    }
    if (commit === undefined) commit = this.#open();
    commit.parts.push(items);
    commit.records += records;
    commit.bytes += bytes;
    if (commit.records >= maxRecords || commit.bytes >= maxBytes) this.#close();
    return commit.promise;
  }

  /** Closes the gathering commit now: no more submissions can join it in time. */
  flush(): void {
    if (this.#gathering !== undefined) this.#close();
  }

  /**
   * Stops retrying and aborts the write in flight: every waiting and later submission fails
   * with `error`, and nothing more becomes durable through this batcher.
   */
  abort(error: SinkError): void {
    if (this.#abort.signal.aborted) return;
    this.#abort.abort(error);
    this.#rejectAll(error);
  }

  stats(): BatcherStats {
    return { ...this.#stats };
  }

  #open(): Commit<T> {
    const commit = new Commit<T>();
    commit.timer = setTimeout(() => {
      if (this.#gathering === commit) this.#close();
    }, this.#options.lingerMs);
    this.#gathering = commit;
    return commit;
  }

  #close(): void {
    const commit = this.#gathering as Commit<T>;
    clearTimeout(commit.timer);
    this.#gathering = undefined;
    this.#ready.push(commit);
    if (this.#inFlight === undefined) void this.#pump();
  }

  /** Writes the closed commits one after another: a sink gets one write at a time. */
  async #pump(): Promise<void> {
    let commit = this.#ready.shift();
    while (commit !== undefined && this.#failure === undefined) {
      this.#inFlight = commit;
      await this.#commit(commit);
      this.#inFlight = undefined;
      commit = this.#ready.shift();
    }
  }

  /** Writes one commit until it is durable or the batcher gives up; never rejects. */
  async #commit(commit: Commit<T>): Promise<void> {
    const { target, name, retryTimeoutMs, log } = this.#options;
    const signal = this.#abort.signal;
    const items = commit.items();
    let firstFailure: number | undefined;
    for (;;) {
      try {
        await target.write(items, signal);
      } catch (thrown) {
        if (signal.aborted) return;
        const error = asSinkError(thrown, name);
        this.#stats.commitFailures += 1;
        firstFailure ??= this.#now();
        const elapsed = this.#now() - firstFailure;
        if (!error.retryable || elapsed >= retryTimeoutMs) {
          this.#giveUp(error, elapsed);
          return;
        }
        // The last try starts at the timeout, not a backoff step after it.
        const waitMs = Math.min(this.#backoff.next(), retryTimeoutMs - elapsed);
        log.warn({ err: error, records: commit.records, attempt: this.#backoff.attempt, retryInMs: waitMs }, `${name} commit failed; retrying`);
        try {
          await sleep(waitMs, signal);
        } catch {
          return; // aborted: abort() already failed the commit
        }
        continue;
      }
      if (signal.aborted) return; // too late: abort() already told the workers it was not written
      this.#backoff.reset();
      this.#stats.commits += 1;
      this.#stats.records += commit.records;
      this.#stats.bytes += commit.bytes;
      settle(commit, undefined);
      return;
    }
  }

  #giveUp(error: SinkError, elapsedMs: number): void {
    const { name, log, onFailure } = this.#options;
    log.error(
      { err: error, attempts: this.#backoff.attempt + 1, elapsedMs },
      error.retryable ? `${name} commit kept failing; giving up` : `${name} commit failed permanently`,
    );
    this.#rejectAll(error);
    onFailure(error);
  }

  #rejectAll(error: SinkError): void {
    this.#failure ??= error;
    const commits = [this.#inFlight, ...this.#ready.splice(0), this.#gathering];
    this.#gathering = undefined;
    for (const commit of commits) {
      if (commit === undefined) continue;
      clearTimeout(commit.timer);
      settle(commit, error);
    }
  }
}

function settle<T>(commit: Commit<T>, error: SinkError | undefined): void {
  if (commit.settled) return;
  commit.settled = true;
  if (error === undefined) commit.resolve();
  else commit.reject(error);
}

/** A sink that throws something other than a SinkError has a bug no retry cures. */
function asSinkError(thrown: unknown, name: string): SinkError {
  if (thrown instanceof SinkError) return thrown;
  const message = thrown instanceof Error ? thrown.message : String(thrown);
  return new SinkError({ code: 'WriteFailed', retryable: false, message: `the ${name} write failed unexpectedly: ${message}`, cause: thrown });
}
