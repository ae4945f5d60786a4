// One emulated logstore: its shards (ListShards, split, merge, write routing, §8) and its
// consumer groups (§14). Shard ids are never reused; split and merge seal the parents
// (readonly, still readable) and add children that remember them for in-order groups.

import { SlsError } from '../sls/errors.js';
import type { ConsumerGroupInfo, ShardInfo } from '../sls/types.js';
import { ConsumerGroup } from './consumer-group.js';
import { Shard } from './shard.js';
import { evenRanges, rangeHolds, splitAt, splitRange, type KeyRange } from './shard-keys.js';

export interface LogstoreSettings {
  /** Days of retention, as the control plane reports it (expiry itself is driven by the admin API). */
  ttl: number;
  shardCount: number;
}

/** How SplitShard divides a shard: at a hash key, or into N equal parts. */
export type SplitHow = { key: string } | { shardCount: number };

export class Logstore {
  readonly name: string;
  readonly ttl: number;
  /** Unix seconds. */
  readonly createTime: number;
  readonly #clock: () => number;
  readonly #shards = new Map<number, Shard>();
  readonly #groups = new Map<string, ConsumerGroup>();
  #nextShardId = 0;
  #roundRobin = 0;

  /** `clock` gives milliseconds since the epoch. */
  constructor(name: string, settings: LogstoreSettings, clock: () => number) {
    this.name = name;
    this.ttl = settings.ttl;
    this.#clock = clock;
    this.createTime = Math.floor(clock() / 1000);
    for (const range of evenRanges(settings.shardCount)) this.#addShard(range, []);
  }

  /** All shards, readwrite and readonly, by id. */
  shards(): Shard[] {
    return [...this.#shards.values()];
  }

  /** Shard `id`, or ShardNotExist with `status` (400 on read paths, 404 on checkpoint paths, §4.2). */
  shard(id: number, status = 400): Shard {
    const shard = this.#shards.get(id);
    if (shard === undefined) {
      throw new SlsError({ code: 'ShardNotExist', status, message: `shard ${id} does not exist in logstore ${this.name}` });
    }
    return shard;
  }

  /** The next writable shard in turn (load-balanced PutLogs). */
  nextWritableShard(): Shard {
    const writable = this.shards().filter((shard) => !shard.readonly);
    const shard = writable[this.#roundRobin++ % writable.length];
    if (shard === undefined) throw new SlsError({ code: 'LogStoreWithoutShard', status: 400, message: `logstore ${this.name} has no writable shard` });
    return shard;
  }

  /** The writable shard whose hash range holds `key` (hash-routed PutLogs). */
  shardForKey(key: string): Shard {
    const shard = this.shards().find((s) => !s.readonly && rangeHolds(s.range, key));
    if (shard === undefined) throw new SlsError({ code: 'ShardNotExist', status: 400, message: `no writable shard holds hash key ${key}` });
    return shard;
  }

  /** Splits a readwrite shard; returns the sealed parent followed by the new shards. */
  split(id: number, how: SplitHow): ShardInfo[] {
    const parent = this.#writable(id);
    const ranges = 'key' in how ? splitAt(parent.range, how.key) : splitRange(parent.range, how.shardCount);
    if (ranges.length < 2) throw new SlsError({ code: 'ParameterInvalid', status: 400, message: 'a split needs at least 2 shards' });
    parent.seal();
    const children = ranges.map((range) => this.#addShard(range, [parent.id]));
    return [parent, ...children].map((shard) => shard.info());
  }

  /** Merges a readwrite shard with its right neighbour; returns both sealed parents and the new shard. */
  merge(id: number): ShardInfo[] {
    const left = this.#writable(id);
    const right = this.shards().find((s) => !s.readonly && s.range.begin === left.range.end);
    if (right === undefined) {
      throw new SlsError({ code: 'ParameterInvalid', status: 400, message: `shard ${id} has no readwrite right neighbour to merge with` });
    }
    left.seal();
    right.seal();
    const child = this.#addShard({ begin: left.range.begin, end: right.range.end }, [left.id, right.id]);
    return [left, right, child].map((shard) => shard.info());
  }

  createGroup(info: ConsumerGroupInfo): void {
    if (this.#groups.has(info.name)) {
      throw new SlsError({ code: 'ConsumerGroupAlreadyExist', status: 400, message: `consumer group ${info.name} already exists` });
    }
    this.#groups.set(info.name, new ConsumerGroup(info, () => this.shards(), this.#clock));
  }

  group(name: string): ConsumerGroup {
    const group = this.#groups.get(name);
    if (group === undefined) {
      throw new SlsError({ code: 'ConsumerGroupNotExist', status: 404, message: `consumer group ${name} does not exist in logstore ${this.name}` });
    }
    return group;
  }

  groups(): ConsumerGroupInfo[] {
    return [...this.#groups.values()].map((group) => group.info);
  }

  deleteGroup(name: string): void {
    this.group(name);
    this.#groups.delete(name);
  }

  #writable(id: number): Shard {
    const shard = this.shard(id);
    if (shard.readonly) throw new SlsError({ code: 'ParameterInvalid', status: 400, message: `shard ${id} is readonly` });
    return shard;
  }

  #addShard(range: KeyRange, parents: readonly number[]): Shard {
    const shard = new Shard({ id: this.#nextShardId++, range, createTime: Math.floor(this.#clock() / 1000), parents });
    this.#shards.set(shard.id, shard);
    return shard;
  }
}
