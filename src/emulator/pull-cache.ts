// Compressed PullLogs bodies, kept for the ranges consumers actually ask for. Consumers
// read a shard from the same cursors with the same count (1000) and encoding (lz4) every
// time, and the byte cap makes every range end at the same place, so a response
// computed once serves every later reader, every consumer group and every test rerun.
// Compressing on each request would cost far more than sending.

import type { CompressType } from '../sls/types.js';

export interface CachedBody {
  body: Uint8Array;
  rawSize: number;
}

export class PullCache {
  readonly #maxBytes: number;
  /** Map order is recency order: the first entry is the least recently used. */
  readonly #entries = new Map<string, CachedBody>();
  #bytes = 0;

  constructor(maxBytes: number) {
    this.#maxBytes = maxBytes;
  }

  get bytes(): number {
    return this.#bytes;
  }

  /** Whether `bytes` more fit without evicting anything. */
  fits(bytes: number): boolean {
    return this.#bytes + bytes <= this.#maxBytes;
  }

  get(shardUid: number, start: number, end: number, encoding: CompressType): CachedBody | undefined {
    const key = cacheKey(shardUid, start, end, encoding);
    const entry = this.#entries.get(key);
    if (entry !== undefined) {
      this.#entries.delete(key);
      this.#entries.set(key, entry);
    }
    return entry;
  }

  set(shardUid: number, start: number, end: number, encoding: CompressType, entry: CachedBody): void {
    if (entry.body.byteLength > this.#maxBytes) return;
    const key = cacheKey(shardUid, start, end, encoding);
    const previous = this.#entries.get(key);
    if (previous !== undefined) this.#bytes -= previous.body.byteLength;
    this.#entries.delete(key);
    this.#entries.set(key, entry);
    this.#bytes += entry.body.byteLength;
    for (const [oldest, evicted] of this.#entries) {
      if (this.#bytes <= this.#maxBytes) break;
      this.#entries.delete(oldest);
      this.#bytes -= evicted.body.byteLength;
    }
  }
}

function cacheKey(shardUid: number, start: number, end: number, encoding: CompressType): string {
  return `${shardUid}:${start}:${end}:${encoding}`;
}
