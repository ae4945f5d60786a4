// The heartbeat: reports the shards this consumer holds and learns which ones it is
// assigned (sls-protocol.md §14.5). It runs on its own timer, independent of pulling,
// pauses and the pipeline, and keeps running through a drain until the source is closed:
// a consumer that stopped heart-beating before its final checkpoint would see that write
// refused, or its shards handed to another consumer that re-reads them.

import type { Logger } from 'pino';
import type { SlsClient } from '../../sls/client.js';
import { SlsError, sameCode } from '../../sls/errors.js';
import { repeat } from './abortable.js';
import type { Retrier } from './retry.js';

export interface HeartbeatOptions {
  client: SlsClient;
  logstore: string;
  group: string;
  consumer: string;
  intervalMs: number;
  retrier: Retrier;
  log: Logger;
  /** The shards to report: those held, including those being given back. */
  reported(): number[];
  /** The server's answer: the shards this consumer is assigned now. */
  assigned(shards: readonly number[]): void;
  /**
   * The server no longer knows this consumer (it missed heartbeats past the group's timeout,
   * and its shards may already be someone else's): drop every shard, then re-register.
   */
  expired(): void;
}

export class Heartbeat {
  readonly #options: HeartbeatOptions;
  #failures = 0;

  constructor(options: HeartbeatOptions) {
    this.#options = options;
  }

  /** Heartbeat calls that failed (each retry counts): a rising count precedes a lost hold. */
  get failures(): number {
    return this.#failures;
  }

  /** Beats every `intervalMs` until `signal` aborts; rejects on a fatal error. */
  run(signal: AbortSignal): Promise<void> {
    return repeat(this.#options.intervalMs, signal, () => this.beat(signal));
  }

  /** One heartbeat, its answer handed to `assigned`. */
  async beat(signal: AbortSignal): Promise<void> {
    const { log, consumer, group } = this.#options;
    let answer: number[];
    try {
      answer = await this.#send(this.#options.reported(), signal);
    } catch (error) {
      if (!(error instanceof SlsError && sameCode(error.code, 'NotExistConsumerWithBody'))) throw error;
      log.warn(
        `consumer ${consumer} has expired from group ${group} (no heartbeat within the group timeout): its shards are dropped and it registers again. ` +
          'Records read after their last checkpoint may be delivered again by the shards\' new owner',
      );
      this.#options.expired();
      answer = await this.#send([], signal);
    }
    this.#options.assigned(answer);
  }

  #send(shards: number[], signal: AbortSignal): Promise<number[]> {
    const { client, logstore, group, consumer, retrier } = this.#options;
    const attempt = (): Promise<number[]> =>
      client.heartbeat(logstore, group, consumer, shards).catch((error: unknown) => {
        this.#failures += 1;
        throw error;
      });
    return retrier.call(`Heartbeat ${logstore}/${group}/${consumer}`, attempt, signal);
  }
}
