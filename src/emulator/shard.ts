// One shard of an emulated logstore: its hash range, status, stored log groups and the
// cursor arithmetic of sls-protocol.md §7. A cursor is base64 of the decimal `base + i`,
// where `i` counts log groups since the shard was created and `base` follows the real
// service's habit of `createTime × 10⁹`; BigInt because such values pass 2^53.

import { decodeCursor, encodeCursor } from '../sls/cursor.js';
import { SlsError } from '../sls/errors.js';
import type { ShardInfo, ShardStatus } from '../sls/types.js';
import { GroupLog } from './group-log.js';
import type { KeyRange } from './shard-keys.js';

export interface ShardInit {
  id: number;
  range: KeyRange;
  createTime: number;
  /** Shards this one was split or merged from (empty for an original shard). */
  parents?: readonly number[];
}

export class Shard {
  readonly id: number;
  readonly range: KeyRange;
  readonly createTime: number;
  readonly parents: readonly number[];
  readonly groups = new GroupLog();
  /** A process-wide identity, so caches can tell shards of different logstores apart. */
  readonly uid: number;
  #status: ShardStatus = 'readwrite';
  /** Groups before this index have expired (TTL): their cursors answer InvalidCursor. */
  #firstLive = 0;
  readonly #base: bigint;

  static #nextUid = 0;

  constructor(init: ShardInit) {
    this.id = init.id;
    this.range = init.range;
    this.createTime = init.createTime;
    this.parents = init.parents ?? [];
    this.uid = Shard.#nextUid++;
    this.#base = BigInt(init.createTime) * 1_000_000_000n;
  }

  get status(): ShardStatus {
    return this.#status;
  }

  get readonly(): boolean {
    return this.#status === 'readonly';
  }

  /** Stops writes to this shard (after a split or merge); its data stays readable. */
  seal(): void {
    this.#status = 'readonly';
  }

  get firstLive(): number {
    return this.#firstLive;
  }

  /** The end index: where the next group will be written. */
  get end(): number {
    return this.groups.length;
  }

  /** Expires groups up to (not including) `index`, as the TTL would; returns how many expired. */
  expireBefore(index: number): number {
    const next = Math.min(Math.max(index, this.#firstLive), this.end);
    const expired = next - this.#firstLive;
    this.#firstLive = next;
    return expired;
  }

  info(): ShardInfo {
    return {
      shardID: this.id,
      status: this.#status,
      inclusiveBeginKey: this.range.begin,
      exclusiveEndKey: this.range.end,
      createTime: this.createTime,
    };
  }

  cursorAt(index: number): string {
    return encodeCursor(this.position(index));
  }

  /** The decimal cursor value of `index`, as `x-log-read-last-cursor` carries it. */
  position(index: number): bigint {
    return this.#base + BigInt(index);
  }

  /**
   * The group index a cursor points at: `ParameterInvalid` when it is not a cursor at all,
   * `InvalidCursor` when it lies before the first live group or after the end.
   */
  indexOf(cursor: string): number {
    const offset = decodeCursor(cursor) - this.#base;
    if (offset < BigInt(this.#firstLive) || offset > BigInt(this.end)) {
      throw new SlsError({
        code: 'InvalidCursor',
        status: 400,
        message: `cursor ${cursor} is outside shard ${this.id}'s live range (expired by TTL or beyond the end); get a new cursor`,
      });
    }
    return Number(offset);
  }

  /** Whether `cursor` is this shard's end cursor (any padding), without throwing. */
  isEndCursor(cursor: string): boolean {
    try {
      return decodeCursor(cursor) === this.position(this.end);
    } catch {
      return false;
    }
  }

  /** Index of the first live group received at or after `time` (Unix s); the end if none. */
  indexAtTime(time: number): number {
    return this.groups.firstReceivedAt(time, this.#firstLive);
  }
}
