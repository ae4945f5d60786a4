// The batch coordinator in front of one sink: workers hand records in, and one commit (one
// file append + fsync, one COPY) carries the records of many workers. A commit closes when it
// holds maxRecords or maxBytes, when lingerMs have passed since its first records, or when
// flush() says no more records can come; then it is written ONCE and every worker whose
// records it carried learns its result. Up to maxInFlight closed commits are written at once
// (a database takes each on its own connection); the next one gathers meanwhile.
//
// A retryable failure retries the same commit (same records, same order) with jittered
// backoff for as long as the run lives: only abort() (drain deadline, second signal) ends it,
// and then the records stay unacked, so no checkpoint passes them. A failure that blames the
// data (REJECTED_DATA) splits the commit: every record the sink takes is written and each one
// it refuses on its own is handed to setAside (the dead-letter file). Any other permanent
// failure stops the batcher: every waiting worker learns the error and all further records
// are refused, as nothing after a lost commit may be acked.

import type { Logger } from 'pino';
import { SinkError } from '../sinks/sink-error.js';
import { Backoff, sleep, type BackoffOptions } from './backoff.js';
import { rejectsData, splitRefused } from './commit-splitter.js';
import { OutageLog } from './outage-log.js';

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
  /**
   * Closed commits written at once; default 1. Commits may then finish out of order, which is
   * safe: each submission is acked on its own, and the ack tracker moves a shard's watermark
   * only over a contiguous run of acked batches.
   */
  maxInFlight?: number;
}

/** An item the target refused on its own for its data, with the target's error. */
export interface RefusedItem<T> {
  item: T;
  error: SinkError;
}

export interface SinkBatcherOptions<T> extends BatchLimits {
  target: BatchTarget<T>;
  /** Names the target in logs and errors, e.g. `sink` or `dead-letter file`. */
  name: string;
  log: Logger;
  backoff?: BackoffOptions;
  /** Called once when the batcher gives up, with the error that made it. */
  onFailure: (error: SinkError) => void;
  /**
   * Takes the items the target refused for their data; resolves once they are durable
   * elsewhere (the dead-letter file), and only then are their submissions resolved. Without
   * it, a data rejection stops the batcher like any permanent failure.
   */
  setAside?: (refused: readonly RefusedItem<T>[]) => Promise<void>;
  /** Records waiting to be written, for the log of a long outage. */
  backlog: () => number;
  /** Clock for the log of a long outage; default Date.now. */
  now?: () => number;
  /** Told of every commit that became durable: its records, and how long it took from its first write until then (retries included). */
  onCommitted?: CommitObserver;
}

/** Hears of each durable commit (the commit latency metric); called once per commit, never per record. */
export type CommitObserver = (commit: { records: number; seconds: number }) => void;

export interface BatcherStats {
  commits: number;
  commitFailures: number;
  records: number;
  bytes: number;
}

/** Indexes of a commit's items that were set aside: none, mostly. */
type SetAside = readonly number[];
const NONE: SetAside = [];

class Commit<T> {
  readonly parts: (readonly T[])[] = [];
  /** Items of all parts (an NDJSON buffer is one item of many records). */
  length = 0;
  records = 0;
  bytes = 0;
  settled = false;
  timer: NodeJS.Timeout | undefined;
  readonly promise: Promise<SetAside>;
  resolve!: (setAside: SetAside) => void;
  reject!: (error: SinkError) => void;

  constructor() {
    this.promise = new Promise<SetAside>((resolve, reject) => {
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
  readonly #maxInFlight: number;
  readonly #outage: OutageLog;
  readonly #abort = new AbortController();
  #gathering: Commit<T> | undefined;
  /** Closed commits waiting for a slot, oldest first. */
  readonly #ready: Commit<T>[] = [];
  readonly #writing = new Set<Commit<T>>();
  /** Set when the batcher gave up or was aborted: every later submission fails with it. */
  #failure: SinkError | undefined;
  readonly #stats: Omit<BatcherStats, 'commitFailures'> = { commits: 0, records: 0, bytes: 0 };
  /** Failed write attempts by SinkError code; their sum is commitFailures. */
  readonly #failuresByCode = new Map<string, number>();

  constructor(options: SinkBatcherOptions<T>) {
    this.#options = options;
    this.#maxInFlight = options.maxInFlight ?? 1;
    this.#outage = new OutageLog({ name: options.name, log: options.log, now: options.now ?? Date.now, backlog: options.backlog });
  }

  /**
   * Resolves when the commit that carries `items` is durable, with how many of them the sink
   * refused for their data and were set aside instead; rejects with its SinkError.
   * `records` is how many records the items hold (an NDJSON buffer holds many).
   */
  submit(items: readonly T[], bytes: number, records = items.length): Promise<number> {
    if (this.#failure !== undefined) return Promise.reject(this.#failure);
    const { maxRecords, maxBytes } = this.#options;
    let commit = this.#gathering;
    if (commit !== undefined && (commit.records + records > maxRecords || commit.bytes + bytes > maxBytes)) {
      this.#close();
      commit = undefined;
    }
    if (commit === undefined) commit = this.#open();
    const from = commit.length;
    commit.parts.push(items);
    commit.length += items.length;
    commit.records += records;
    commit.bytes += bytes;
    if (commit.records >= maxRecords || commit.bytes >= maxBytes) this.#close();
    const to = from + items.length;
    return commit.promise.then((setAside) => setAside.filter((index) => index >= from && index < to).length);
  }

  /** Closes the gathering commit now: no more submissions can join it in time. */
  flush(): void {
    if (this.#gathering !== undefined) this.#close();
  }

  /**
   * Stops retrying and aborts the writes in flight: every waiting and later submission fails
   * with `error`, and nothing more becomes durable through this batcher.
   */
  abort(error: SinkError): void {
    if (this.#abort.signal.aborted) return;
    this.#abort.abort(error);
    this.#rejectAll(error);
  }

  stats(): BatcherStats {
    let commitFailures = 0;
    for (const count of this.#failuresByCode.values()) commitFailures += count;
    return { ...this.#stats, commitFailures };
  }

  /** Failed write attempts (commitFailures) by SinkError code. */
  failuresByCode(): Record<string, number> {
    return Object.fromEntries(this.#failuresByCode);
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
    this.#pump();
  }

  /** Starts the closed commits, oldest first, while a slot is free. */
  #pump(): void {
    while (this.#writing.size < this.#maxInFlight && this.#failure === undefined) {
      const commit = this.#ready.shift();
      if (commit === undefined) return;
      this.#writing.add(commit);
      void this.#commit(commit).then(() => {
        this.#writing.delete(commit);
        this.#pump();
      });
    }
  }

  /** Writes one commit until it is durable or the batcher stops; never rejects. */
  async #commit(commit: Commit<T>): Promise<void> {
    const signal = this.#abort.signal;
    const started = performance.now();
    let setAside: SetAside;
    try {
      setAside = await this.#deliver(commit.items(), commit.records);
    } catch (thrown) {
      if (!signal.aborted) this.#giveUp(asSinkError(thrown, this.#options.name));
      return;
    }
    // Aborted meanwhile: abort() already told the workers it was not written.
    if (signal.aborted) return;
    this.#stats.commits += 1;
    this.#stats.records += commit.records - setAside.length;
    this.#stats.bytes += commit.bytes;
    this.#options.onCommitted?.({ records: commit.records, seconds: (performance.now() - started) / 1000 });
    settle(commit, setAside);
  }

  /**
   * Writes `items`; when the target refuses their data, splits them, writes what it takes and
   * sets the rest aside. Resolves with the indexes set aside.
   */
  async #deliver(items: readonly T[], records: number): Promise<SetAside> {
    const { setAside, name, log } = this.#options;
    try {
      await this.#write(items, records);
      return NONE;
    } catch (thrown) {
      if (setAside === undefined || !rejectsData(thrown) || this.#abort.signal.aborted) throw thrown;
      log.warn({ err: thrown, records }, `${name} refused the data of a commit; splitting it to find the records at fault`);
      const refused = await splitRefused(items, thrown, (part) => this.#write(part, part.length));
      await setAside(refused.map(({ index, error }) => ({ item: items[index] as T, error })));
      log.warn({ records, setAside: refused.length }, `${name} refused ${refused.length} of the ${records} records of a commit, set aside; wrote the others`);
      return refused.map(({ index }) => index);
    }
  }

  /** One write, retried while it fails transiently; rejects with a permanent failure, or once aborted. */
  async #write(items: readonly T[], records: number): Promise<void> {
    const { target, name } = this.#options;
    const signal = this.#abort.signal;
    const backoff = new Backoff(this.#options.backoff);
    for (;;) {
      try {
        await target.write(items, signal);
        this.#outage.recovered();
        return;
      } catch (thrown) {
        if (signal.aborted) throw signal.reason;
        const error = asSinkError(thrown, name);
        this.#failuresByCode.set(error.code, (this.#failuresByCode.get(error.code) ?? 0) + 1);
        if (!error.retryable) throw error;
        const retryInMs = backoff.next();
        this.#outage.failed(error, { records, attempt: backoff.attempt, retryInMs });
        await sleep(retryInMs, signal); // rejects when aborted
      }
    }
  }

  #giveUp(error: SinkError): void {
    const { name, log, onFailure } = this.#options;
    log.error({ err: error }, `${name} commit failed permanently`);
    this.#rejectAll(error);
    onFailure(error);
  }

  #rejectAll(error: SinkError): void {
    this.#failure ??= error;
    const commits = [...this.#writing, ...this.#ready.splice(0), this.#gathering];
    this.#gathering = undefined;
    for (const commit of commits) {
      if (commit === undefined) continue;
      clearTimeout(commit.timer);
      settle(commit, error);
    }
  }
}

function settle<T>(commit: Commit<T>, outcome: SetAside | SinkError): void {
  if (commit.settled) return;
  commit.settled = true;
  if (outcome instanceof SinkError) commit.reject(outcome);
  else commit.resolve(outcome);
}

/** A sink that throws something other than a SinkError has a bug no retry cures. */
function asSinkError(thrown: unknown, name: string): SinkError {
  if (thrown instanceof SinkError) return thrown;
  const message = thrown instanceof Error ? thrown.message : String(thrown);
  return new SinkError({ code: 'WriteFailed', retryable: false, message: `the ${name} write failed unexpectedly: ${message}`, cause: thrown });
}
