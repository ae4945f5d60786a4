// How an operator stops sluice: the first SIGINT/SIGTERM asks for a graceful drain and starts
// its deadline; a second one, or the deadline passing, means "stop waiting now". The emitter
// is passed in (the process by default) so tests send signals without killing the runner, and
// the timers are passed in so a test fires a 25 s deadline without waiting for it.

import type { EventEmitter } from 'node:events';
import type { Logger } from 'pino';
import type { Cancel, Timers } from './timers.js';

export const STOP_SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM'];

/** Why a drain stopped waiting before it was done. */
export type HurryReason = 'drain-timeout' | 'second-signal';

export interface StopSignalsOptions {
  emitter: EventEmitter;
  drainTimeoutMs: number;
  timers: Timers;
  log: Logger;
}

export class StopSignals {
  readonly #options: StopSignalsOptions;
  readonly #hurry = new AbortController();
  readonly #listener = (signal: NodeJS.Signals): void => this.#onSignal(signal);
  readonly #first: Promise<NodeJS.Signals>;
  #resolveFirst!: (signal: NodeJS.Signals) => void;
  #received = 0;
  #cancelDeadline: Cancel | undefined;

  constructor(options: StopSignalsOptions) {
    this.#options = options;
    this.#first = new Promise((resolve) => (this.#resolveFirst = resolve));
    for (const name of STOP_SIGNALS) options.emitter.on(name, this.#listener);
  }

  /** Resolves with the first stop signal received. */
  get first(): Promise<NodeJS.Signals> {
    return this.#first;
  }

  /** Aborts, with a HurryReason, when the drain must stop waiting: a second signal or the deadline. */
  get hurry(): AbortSignal {
    return this.#hurry.signal;
  }

  /** Starts the drain deadline unless it runs already (the first signal starts it too). */
  armDeadline(): void {
    if (this.#cancelDeadline !== undefined || this.#hurry.signal.aborted) return;
    const ms = this.#options.drainTimeoutMs;
    this.#cancelDeadline = this.#options.timers.setTimeout(() => {
      this.#options.log.warn({ drainTimeoutMs: ms }, 'drain deadline passed: stopping now, checkpointing only what was written');
      this.#hurryUp('drain-timeout');
    }, ms);
  }

  /** Stops listening and cancels the deadline. */
  dispose(): void {
    for (const name of STOP_SIGNALS) this.#options.emitter.off(name, this.#listener);
    this.#cancelDeadline?.();
  }

  #onSignal(signal: NodeJS.Signals): void {
    this.#received += 1;
    if (this.#received === 1) {
      this.#options.log.info(
        { signal, drainTimeoutMs: this.#options.drainTimeoutMs },
        `received ${signal}: draining (send it again to stop at once)`,
      );
      this.armDeadline();
      this.#resolveFirst(signal);
    } else if (!this.#hurry.signal.aborted) {
      this.#options.log.warn({ signal }, `received ${signal} again: stopping now, checkpointing only what was written`);
      this.#hurryUp('second-signal');
    }
  }

  #hurryUp(reason: HurryReason): void {
    this.#cancelDeadline?.();
    this.#hurry.abort(reason);
  }
}
