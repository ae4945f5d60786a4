// The one retry policy of the consumer-group source: every SLS call it makes (create group,
// heartbeat, checkpoints, cursors, PullLogs, ListShards) goes through Retrier.call. The
// client never retries (src/sls/client.ts); the official consumers each retry differently
// and some calls not at all (sls-protocol.md §4.3), which is how a blip in a heartbeat or a
// checkpoint write turns into a lost shard or a duplicate. Here every call gets the same
// jittered exponential backoff, a longer floor for throttling (403 quota), a bound on how
// long it keeps failing before the run gives up, and a warning per retry so nothing fails
// quietly.

import type { Logger } from 'pino';
import { Backoff, sleep, type BackoffOptions } from '../../pipeline/backoff.js';
import { SlsError } from '../../sls/errors.js';

export interface RetryOptions {
  log: Logger;
  backoff?: BackoffOptions;
  /** A call that keeps failing with retryable errors for this long fails for good (ms). */
  timeoutMs: number;
  /** Milliseconds clock; for tests. */
  now?: () => number;
}

export class Retrier {
  readonly #log: Logger;
  readonly #backoff: BackoffOptions;
  readonly #timeoutMs: number;
  readonly #now: () => number;
  #retries = 0;
  readonly #errorsByCode = new Map<string, number>();

  constructor(options: RetryOptions) {
    this.#log = options.log;
    this.#backoff = options.backoff ?? {};
    this.#timeoutMs = options.timeoutMs;
    this.#now = options.now ?? Date.now;
  }

  /** Retries made so far, over every call. */
  get retries(): number {
    return this.#retries;
  }

  /** SLS errors met so far (retried or not), by code. */
  errorsByCode(): Record<string, number> {
    return Object.fromEntries(this.#errorsByCode);
  }

  /**
   * Runs `attempt` until it succeeds. A retryable or throttled SlsError waits (backoff) and
   * tries again, until `timeoutMs` has passed since the first try: then that error is thrown.
   * Anything else is thrown at once, for the caller to decide. When `signal` aborts, the
   * wait ends and the signal's reason is thrown. A call in flight still runs to its answer,
   * but an answer that arrives after the abort is dropped and the reason thrown instead:
   * whoever aborted has moved on (the shard was given away, the run stopped), and a caller
   * that went on with a late answer would act for something that has ended.
   */
  async call<T>(what: string, attempt: () => Promise<T>, signal: AbortSignal): Promise<T> {
    const backoff = new Backoff(this.#backoff);
    const started = this.#now();
    for (;;) {
      signal.throwIfAborted();
      try {
        const answer = await attempt();
        signal.throwIfAborted();
        return answer;
      } catch (error) {
        if (error instanceof SlsError) this.#errorsByCode.set(error.code, (this.#errorsByCode.get(error.code) ?? 0) + 1);
        if (!(error instanceof SlsError) || !(error.retryable || error.throttled) || signal.aborted) throw error;
        const failingMs = this.#now() - started;
        if (failingMs >= this.#timeoutMs) {
          this.#log.error({ call: what, code: error.code, attempts: backoff.attempt + 1, failingMs }, `${what} kept failing; giving up: ${error.message}`);
          throw error;
        }
        const waitMs = backoff.next(error.throttled);
        this.#retries += 1;
        this.#log.warn({ call: what, code: error.code, status: error.status, attempt: backoff.attempt, waitMs }, `${what} failed (${error.code}); retrying`);
        await sleep(waitMs, signal).catch(() => signal.throwIfAborted());
      }
    }
  }
}
