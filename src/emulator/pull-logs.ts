// PullLogs, sls-protocol.md §10: a run of stored log groups as one LogGroupList, compressed
// as the client asks, with every header the official consumers read.

import { compress } from '../sls/codec/compression.js';
import type { CompressType } from '../sls/types.js';
import type { CachedBody, PullCache } from './pull-cache.js';
import { integerParam, requiredParam } from './request.js';
import type { Reply } from './responses.js';
import type { Shard } from './shard.js';
import type { EmulatorStats } from './stats.js';

/** Raw LogGroupList bytes per response at most (a single larger group still goes alone), as the real service caps a pull. */
export const MAX_PULL_BYTES = 8 * 1024 * 1024;
/** What consumers ask for by default: the ranges worth precomputing. */
const DEFAULT_COUNT = 1000;
const SUPPORTED_ENCODINGS = new Set<CompressType>(['lz4', 'zstd', 'deflate']);

/** The response compression for an Accept-Encoding: the first of lz4/zstd/deflate listed, else none. */
export function responseEncoding(acceptEncoding: string | undefined): CompressType {
  for (const token of (acceptEncoding ?? '').split(',')) {
    const name = token.split(';')[0]?.trim().toLowerCase() as CompressType;
    if (SUPPORTED_ENCODINGS.has(name)) return name;
  }
  return 'none';
}

export class PullResponder {
  readonly #cache: PullCache;
  readonly #stats: EmulatorStats;

  constructor(cache: PullCache, stats: EmulatorStats) {
    this.#cache = cache;
    this.#stats = stats;
  }

  pull(shard: Shard, query: Record<string, string>, acceptEncoding: string | undefined, nowMs: number): Reply {
    const start = shard.indexOf(requiredParam(query, 'cursor'));
    const count = integerParam(query.count, 'count', 1, 1000);
    const endCursor = query.end_cursor;
    const stop = Math.max(start, Math.min(shard.end, start + count, endCursor ? shard.indexOf(endCursor) : Infinity));
    const end = shard.groups.rangeEnd(start, stop, MAX_PULL_BYTES);
    const encoding = end > start ? responseEncoding(acceptEncoding) : 'none';
    const { body, rawSize } = this.#body(shard, start, end, encoding);
    const headers: Record<string, string> = {
      'content-type': 'application/x-protobuf',
      'x-log-cursor': shard.cursorAt(end),
      'x-log-count': String(end - start),
      'x-log-bodyrawsize': String(rawSize),
      'x-log-end-of-cursor': end === shard.end ? '1' : '0',
      'x-log-cursor-time': String(end > shard.firstLive ? shard.groups.receiveTime(end - 1) : Math.floor(nowMs / 1000)),
    };
    if (encoding !== 'none') headers['x-log-compresstype'] = encoding;
    if (end > start) headers['x-log-read-last-cursor'] = String(shard.position(end - 1));
    this.#count(shard, start, end, rawSize, body.byteLength);
    return { status: 200, headers, body };
  }

  /**
   * Compresses, ahead of time and one response at a time between requests, what consumers
   * reading `shards` from their first live group with the default count will ask for, while
   * the cache has room. Resolves when done or stopped; requests meanwhile are served as usual.
   */
  prewarm(shards: readonly Shard[], signal: AbortSignal, encoding: CompressType = 'lz4'): Promise<void> {
    const ranges = shards.map((shard) => ({ shard, start: shard.firstLive }));
    return new Promise((resolve) => {
      const step = (): void => {
        const next = ranges.find((range) => range.start < range.shard.end);
        if (next === undefined || signal.aborted) return resolve();
        const { shard, start } = next;
        const end = shard.groups.rangeEnd(start, Math.min(shard.end, start + DEFAULT_COUNT), MAX_PULL_BYTES);
        if (this.#cache.get(shard.uid, start, end, encoding) === undefined) {
          const entry = compressRange(shard, start, end, encoding);
          if (!this.#cache.fits(entry.body.byteLength)) return resolve();
          this.#cache.set(shard.uid, start, end, encoding, entry);
        }
        next.start = end;
        setImmediate(step);
      };
      step();
    });
  }

  #body(shard: Shard, start: number, end: number, encoding: CompressType): CachedBody {
    if (encoding === 'none') {
      const raw = shard.groups.body(start, end);
      return { body: raw, rawSize: raw.byteLength };
    }
    const cached = this.#cache.get(shard.uid, start, end, encoding);
    if (cached !== undefined) return cached;
    const entry = compressRange(shard, start, end, encoding);
    this.#cache.set(shard.uid, start, end, encoding, entry);
    return entry;
  }

  #count(shard: Shard, start: number, end: number, rawSize: number, wireSize: number): void {
    this.#stats.pulledGroups += end - start;
    this.#stats.pulledLogs += shard.groups.logCount(start, end);
    this.#stats.pulledRawBytes += rawSize;
    this.#stats.pulledWireBytes += wireSize;
  }
}

function compressRange(shard: Shard, start: number, end: number, encoding: CompressType): CachedBody {
  const raw = shard.groups.body(start, end);
  return { body: compress(encoding, raw), rawSize: raw.byteLength };
}
