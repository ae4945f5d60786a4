// The logstore's shard list (ListShards), shared by every puller of a source and refreshed
// at most every `maxAgeMs`: pullers ask it whether a caught-up shard is readonly (sealed by
// a split or merge), and one request answers them all instead of one per shard per idle wait.

import type { SlsClient } from '../../sls/client.js';
import type { ShardInfo } from '../../sls/types.js';
import { abortable } from './abortable.js';
import type { Retrier } from './retry.js';

export interface ShardListOptions {
  client: SlsClient;
  logstore: string;
  retrier: Retrier;
  /** Oldest answer still used (ms). */
  maxAgeMs: number;
  /** Ends refreshes in progress (the source's lifetime). */
  signal: AbortSignal;
}

export class ShardList {
  readonly #options: ShardListOptions;
  #shards: ShardInfo[] = [];
  #fetchedAt = -Infinity;
  /** The refresh in flight, shared by everyone who asks meanwhile. */
  #refreshing: Promise<ShardInfo[]> | undefined;

  constructor(options: ShardListOptions) {
    this.#options = options;
  }

  /** Every shard, as listed no longer than `maxAgeMs` ago (or just now, with `fresh`). */
  async shards(signal: AbortSignal, fresh = false): Promise<ShardInfo[]> {
    if (!fresh && performance.now() - this.#fetchedAt < this.#options.maxAgeMs) return this.#shards;
    this.#refreshing ??= this.#refresh().finally(() => (this.#refreshing = undefined));
    return abortable(this.#refreshing, signal);
  }

  /**
   * Whether `shard` is readonly. A shard never becomes writable again, so a readonly answer
   * is final however old the list; a readwrite one may be up to `maxAgeMs` stale.
   */
  async isReadonly(shard: number, signal: AbortSignal): Promise<boolean> {
    const info = (await this.shards(signal)).find((s) => s.shardID === shard);
    return info?.status === 'readonly';
  }

  async #refresh(): Promise<ShardInfo[]> {
    const { client, logstore, retrier, signal } = this.#options;
    const shards = await retrier.call(`ListShards ${logstore}`, () => client.listShards(logstore), signal);
    this.#shards = shards;
    this.#fetchedAt = performance.now();
    return shards;
  }
}
