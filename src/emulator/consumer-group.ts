// One consumer group of an emulated logstore: the server-side model of sls-protocol.md §15.
//
// Per shard the group knows an owner, a pending new owner (`next`, set while the shard is in
// `transfer`) and a checkpoint. The states of §15 follow from those:
//   wait          in-order group, some ancestor shard not yet over      never handed out
//   not_alloc     owner null                                             to the least loaded
//   already_alloc owner X, next null                                     to X
//   transfer      owner X, next Y: X must give it up first               to nobody
//   over          readonly and its checkpoint is its end cursor          never handed out
// The rule every official consumer relies on: a shard is never handed to a new owner while
// the old owner still reports it in its heartbeats.

import { SlsError } from '../sls/errors.js';
import type { CheckpointInfo, ConsumerGroupInfo } from '../sls/types.js';

/** What the group needs to know about a shard of its logstore. */
export interface GroupShard {
  readonly id: number;
  readonly readonly: boolean;
  readonly parents: readonly number[];
  isEndCursor(cursor: string): boolean;
}

interface Assignment {
  readonly id: number;
  owner: string | null;
  next: string | null;
  checkpoint: string;
  /** Microseconds since the epoch, 0 before the first checkpoint. */
  updateTime: number;
}

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

export class ConsumerGroup {
  readonly name: string;
  #timeout: number;
  #order: boolean;
  readonly #shards: () => readonly GroupShard[];
  readonly #clock: () => number;
  /** Consumer name -> last heartbeat (ms). */
  readonly #consumers = new Map<string, number>();
  readonly #assignments = new Map<number, Assignment>();

  /** `timeout` in seconds; `shards` lists the logstore's shards now; `clock` gives ms. */
  constructor(info: ConsumerGroupInfo, shards: () => readonly GroupShard[], clock: () => number) {
    this.name = info.name;
    this.#timeout = info.timeout;
    this.#order = info.order;
    this.#shards = shards;
    this.#clock = clock;
  }

  get info(): ConsumerGroupInfo {
    return { name: this.name, timeout: this.#timeout, order: this.#order };
  }

  update(changes: { timeout?: number; order?: boolean }): void {
    if (changes.timeout !== undefined) this.#timeout = changes.timeout;
    if (changes.order !== undefined) this.#order = changes.order;
  }

  /** Live consumers, sorted by name. */
  consumers(): string[] {
    this.#expireSilent();
    return [...this.#consumers.keys()].sort();
  }

  /**
   * A heartbeat from `consumer` holding `reported`: registers it (only with an empty list),
   * completes the transfers it has given up, rebalances, and returns the shards it may hold.
   */
  heartbeat(consumer: string, reported: readonly number[]): number[] {
    this.#expireSilent();
    if (!this.#consumers.has(consumer) && reported.length > 0) {
      throw new SlsError({
        code: 'NotExistConsumerWithBody',
        status: 400,
        message: `consumer ${consumer} is not in group ${this.name} (it may have timed out): drop its shards and heartbeat with []`,
      });
    }
    this.#consumers.set(consumer, this.#clock());
    const held = new Set(reported);
    const active = this.#activeAssignments();
    for (const assignment of active) {
      if (assignment.owner === consumer && assignment.next !== null && !held.has(assignment.id)) {
        assignment.owner = assignment.next;
        assignment.next = null;
      }
    }
    this.#rebalance(active);
    return active.filter((a) => a.owner === consumer && a.next === null).map((a) => a.id);
  }

  /** Drops `consumer` as if it had stopped heartbeating past the timeout; false if unknown. */
  expireConsumer(consumer: string): boolean {
    if (!this.#consumers.delete(consumer)) return false;
    this.#release(consumer);
    return true;
  }

  /**
   * Stores a checkpoint. Without `force` only the shard's current owner may write it
   * (a shard in transfer still belongs to the old owner, so its final flush succeeds).
   */
  updateCheckpoint(shardId: number, checkpoint: string, consumer: string, force: boolean): void {
    this.#expireSilent();
    if (!this.#shards().some((shard) => shard.id === shardId)) {
      throw new SlsError({ code: 'ShardNotExist', status: 404, message: `shard ${shardId} does not exist` });
    }
    if (!BASE64.test(checkpoint)) {
      throw new SlsError({ code: 'InvalidShardCheckPoint', status: 400, message: `checkpoint ${JSON.stringify(checkpoint)} is not base64` });
    }
    const assignment = this.#assignment(shardId);
    if (!force) {
      if (!this.#consumers.has(consumer)) {
        throw new SlsError({ code: 'ConsumerNotExist', status: 404, message: `consumer ${consumer} is not in group ${this.name}` });
      }
      if (assignment.owner !== consumer) {
        throw new SlsError({
          code: 'ConsumerNotMatch',
          status: 400,
          message: `shard ${shardId} is not held by consumer ${consumer}; heartbeat first or write with forceSuccess=true`,
        });
      }
    }
    assignment.checkpoint = checkpoint;
    assignment.updateTime = this.#clock() * 1000;
  }

  /** One entry per shard (or for `shardId` only), with `checkpoint: ""` where none was written. */
  checkpoints(shardId?: number): CheckpointInfo[] {
    this.#expireSilent();
    return this.#shards()
      .filter((shard) => shardId === undefined || shard.id === shardId)
      .map((shard) => {
        const assignment = this.#assignment(shard.id);
        return { shard: shard.id, checkpoint: assignment.checkpoint, updateTime: assignment.updateTime, consumer: assignment.owner ?? '' };
      });
  }

  #expireSilent(): void {
    const deadline = this.#clock() - this.#timeout * 1000;
    for (const [consumer, lastSeen] of this.#consumers) {
      if (lastSeen < deadline) this.expireConsumer(consumer);
    }
  }

  /** Frees what `consumer` owned and cancels transfers promised to it (the holder keeps those). */
  #release(consumer: string): void {
    for (const assignment of this.#assignments.values()) {
      if (assignment.owner === consumer) {
        assignment.owner = null;
        assignment.next = null;
      }
      if (assignment.next === consumer) assignment.next = null;
    }
  }

  /** Assignments of the shards that take part in balancing; wait and over shards lose their owner. */
  #activeAssignments(): Assignment[] {
    const shards = new Map(this.#shards().map((shard) => [shard.id, shard]));
    const active: Assignment[] = [];
    for (const shard of [...shards.values()].sort((a, b) => a.id - b.id)) {
      const assignment = this.#assignment(shard.id);
      if (this.#isOver(shard) || (this.#order && this.#waits(shard, shards))) {
        assignment.owner = null;
        assignment.next = null;
      } else {
        active.push(assignment);
      }
    }
    return active;
  }

  #isOver(shard: GroupShard): boolean {
    const { checkpoint } = this.#assignment(shard.id);
    return shard.readonly && checkpoint !== '' && shard.isEndCursor(checkpoint);
  }

  /** In-order groups: true while some ancestor (parent, grandparent, ...) is not over. */
  #waits(shard: GroupShard, shards: ReadonlyMap<number, GroupShard>): boolean {
    return shard.parents.some((id) => {
      const parent = shards.get(id);
      return parent !== undefined && (!this.#isOver(parent) || this.#waits(parent, shards));
    });
  }

  #assignment(shardId: number): Assignment {
    let assignment = this.#assignments.get(shardId);
    if (assignment === undefined) {
      assignment = { id: shardId, owner: null, next: null, checkpoint: '', updateTime: 0 };
      this.#assignments.set(shardId, assignment);
    }
    return assignment;
  }

  /**
   * Hands free shards to the least loaded consumers, then moves shards (by transfer) from
   * consumers above their quota to those below, until any two loads differ by at most one.
   * The extra shards of an uneven split go to the consumers that already hold the most, so
   * a balanced group is never reshuffled.
   */
  #rebalance(active: readonly Assignment[]): void {
    const live = [...this.#consumers.keys()].sort();
    if (live.length === 0) return;
    const load = new Map(live.map((consumer) => [consumer, 0]));
    const bump = (consumer: string, by: number): void => void load.set(consumer, (load.get(consumer) ?? 0) + by);
    for (const assignment of active) {
      const holder = assignment.next ?? assignment.owner;
      if (holder !== null) bump(holder, 1);
    }
    const leastLoaded = (): string => live.reduce((best, c) => ((load.get(c) ?? 0) < (load.get(best) ?? 0) ? c : best));
    for (const assignment of active) {
      if (assignment.owner !== null) continue;
      assignment.owner = leastLoaded();
      bump(assignment.owner, 1);
    }
    const quota = quotas(live, load, active.length);
    const above = (): string | undefined => live.find((c) => (load.get(c) ?? 0) > (quota.get(c) ?? 0));
    const below = (): string | undefined => live.find((c) => (load.get(c) ?? 0) < (quota.get(c) ?? 0));
    for (let giver = above(), taker = below(); giver && taker; giver = above(), taker = below()) {
      const settled = active.filter((a) => a.owner === giver && a.next === null).at(-1);
      const moving = settled ?? (active.find((a) => a.next === giver) as Assignment);
      // Redirecting an incoming transfer back to the current owner simply cancels it.
      moving.next = moving.owner === taker ? null : taker;
      bump(giver, -1);
      bump(taker, 1);
    }
  }
}

/** floor(n / L) each, plus one for the n mod L consumers that hold the most now (ties by name). */
function quotas(live: readonly string[], load: ReadonlyMap<string, number>, shards: number): Map<string, number> {
  const base = Math.floor(shards / live.length);
  const extra = shards % live.length;
  const byLoad = [...live].sort((a, b) => (load.get(b) ?? 0) - (load.get(a) ?? 0) || (a < b ? -1 : 1));
  return new Map(byLoad.map((consumer, k) => [consumer, base + (k < extra ? 1 : 0)]));
}
