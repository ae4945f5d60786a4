import { describe, expect, it } from 'vitest';
import { codeOf } from './sls-code.js';
import { Logstore } from '../../../src/emulator/logstore.js';
import type { ConsumerGroup } from '../../../src/emulator/consumer-group.js';

const TIMEOUT_S = 60;

/** A logstore with one consumer group and a clock the test moves. */
function setup(shards: number, order = false): { logstore: Logstore; group: ConsumerGroup; clock: { now: number } } {
  const clock = { now: 1_700_000_000_000 };
  const logstore = new Logstore('access', { ttl: 30, shardCount: shards }, () => clock.now);
  logstore.createGroup({ name: 'cg', timeout: TIMEOUT_S, order });
  return { logstore, group: logstore.group('cg'), clock };
}

/**
 * A consumer as the official libraries behave: it reports what it holds, starts what it is
 * granted and, when a shard is taken away, stops it and reports it no more (released at once here).
 */
class Consumer {
  held: number[] = [];
  constructor(readonly name: string, readonly group: ConsumerGroup) {}

  beat(): number[] {
    this.held = this.group.heartbeat(this.name, this.held);
    return this.held;
  }
}

/** Every shard is held by at most one consumer at every moment. */
function expectNoSharing(consumers: readonly Consumer[]): void {
  const all = consumers.flatMap((c) => c.held);
  expect(new Set(all).size).toBe(all.length);
}

describe('consumer group model (§15)', () => {
  it('spreads 8 shards over 3 consumers evenly, never giving one shard to two consumers', () => {
    const { group } = setup(8);
    const consumers = ['c1', 'c2', 'c3'].map((name) => new Consumer(name, group));
    for (let round = 0; round < 4; round++) {
      for (const consumer of consumers) {
        consumer.beat();
        expectNoSharing(consumers);
      }
    }
    const sizes = consumers.map((c) => c.held.length).sort();
    expect(sizes).toEqual([2, 3, 3]);
    expect(consumers.flatMap((c) => c.held).sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  });

  it('keeps a balanced group as it is: more heartbeats move nothing', () => {
    const { group } = setup(8);
    const consumers = ['c1', 'c2', 'c3'].map((name) => new Consumer(name, group));
    for (let round = 0; round < 4; round++) consumers.forEach((c) => c.beat());
    const settled = consumers.map((c) => [...c.held]);
    for (let round = 0; round < 3; round++) consumers.forEach((c) => c.beat());
    expect(consumers.map((c) => c.held)).toEqual(settled);
  });

  it("moves a silent consumer's shards after the group timeout, and not before", () => {
    const { group, clock } = setup(8);
    const [c1, c2] = [new Consumer('c1', group), new Consumer('c2', group)];
    for (let round = 0; round < 3; round++) [c1, c2].forEach((c) => c.beat());
    expect(c1.held).toHaveLength(4);
    const silentSince = clock.now;

    clock.now = silentSince + TIMEOUT_S * 1000 - 1;
    expect(c1.beat()).toHaveLength(4);
    expect(group.consumers()).toEqual(['c1', 'c2']);

    clock.now = silentSince + TIMEOUT_S * 1000 + 1;
    expect(c1.beat()).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(group.consumers()).toEqual(['c1']);
  });

  it('does not hand a shard in transfer to its new owner while the old owner still reports it', () => {
    const { group } = setup(4);
    const c1 = new Consumer('c1', group);
    expect(c1.beat()).toEqual([0, 1, 2, 3]);
    const c2 = new Consumer('c2', group);
    expect(c2.beat()).toEqual([]); // two shards are now promised to c2, still held by c1

    // c1 is slow to let go: it keeps reporting all four.
    expect(group.heartbeat('c1', [0, 1, 2, 3])).toHaveLength(2);
    expect(c2.beat()).toEqual([]);
    expect(group.heartbeat('c1', [0, 1, 2, 3])).toHaveLength(2);
    expect(c2.beat()).toEqual([]);

    // Once c1 stops reporting them, c2 gets them.
    const kept = group.heartbeat('c1', [0, 1, 2, 3]);
    c1.held = kept;
    c1.beat();
    const given = c2.beat();
    expect(given).toHaveLength(2);
    expect([...kept, ...given].sort()).toEqual([0, 1, 2, 3]);
  });

  it('lets the holder keep a shard in transfer when the new owner times out first', () => {
    const { group, clock } = setup(2);
    const c1 = new Consumer('c1', group);
    c1.beat();
    new Consumer('c2', group).beat(); // one shard promised to c2
    clock.now += (TIMEOUT_S * 1000) / 2;
    expect(group.heartbeat('c1', [0, 1])).toHaveLength(1); // still holding both, one in transfer
    clock.now += (TIMEOUT_S * 1000) / 2 + 1; // c2 has been silent past the timeout, c1 has not
    expect(group.heartbeat('c1', [0, 1])).toEqual([0, 1]);
  });

  it('answers NotExistConsumerWithBody to an unknown consumer that reports shards, and registers it with []', () => {
    const { group } = setup(2);
    expect(codeOf(() => group.heartbeat('ghost', [0]))).toBe('400 NotExistConsumerWithBody');
    expect(group.heartbeat('ghost', [])).toEqual([0, 1]);
  });

  it('stops assigning a readonly shard once its end cursor is committed, and reopens it on an earlier checkpoint', () => {
    const { logstore, group } = setup(1);
    const parent = logstore.shard(0);
    parent.groups.append(new Uint8Array([0x0a, 0x00]), 1, 1_700_000_000);
    logstore.split(0, { shardCount: 2 });
    const c1 = new Consumer('c1', group);
    expect(c1.beat()).toEqual([0, 1, 2]);

    group.updateCheckpoint(0, parent.cursorAt(parent.end - 1), 'c1', false);
    expect(c1.beat()).toEqual([0, 1, 2]);
    group.updateCheckpoint(0, parent.cursorAt(parent.end), 'c1', false);
    expect(c1.beat()).toEqual([1, 2]);
    expect(group.checkpoints(0)[0]?.consumer).toBe('');

    group.updateCheckpoint(0, parent.cursorAt(0), '', true);
    expect(c1.beat()).toEqual([0, 1, 2]);
  });

  it('holds the children of a split in wait until their parent is over, in an in-order group', () => {
    const { logstore, group } = setup(1, true);
    const parent = logstore.shard(0);
    logstore.split(0, { shardCount: 2 });
    const c1 = new Consumer('c1', group);
    expect(c1.beat()).toEqual([0]);
    group.updateCheckpoint(0, parent.cursorAt(parent.end), 'c1', false);
    expect(c1.beat()).toEqual([1, 2]);
  });

  it('accepts a non-forced checkpoint only from the holder, and validates it', () => {
    const { logstore, group } = setup(2);
    const [c1, c2] = [new Consumer('c1', group), new Consumer('c2', group)];
    for (let round = 0; round < 3; round++) [c1, c2].forEach((c) => c.beat());
    const mine = c1.held[0] as number;
    const other = mine === 0 ? 1 : 0;
    const cursor = logstore.shard(mine).cursorAt(0);
    expect(codeOf(() => group.updateCheckpoint(other, cursor, 'c1', false))).toBe('400 ConsumerNotMatch');
    expect(codeOf(() => group.updateCheckpoint(mine, cursor, 'nobody', false))).toBe('404 ConsumerNotExist');
    expect(codeOf(() => group.updateCheckpoint(mine, 'not base64!', 'c1', true))).toBe('400 InvalidShardCheckPoint');
    expect(codeOf(() => group.updateCheckpoint(9, cursor, 'c1', true))).toBe('404 ShardNotExist');
    expect(codeOf(() => group.updateCheckpoint(other, cursor, 'c1', true))).toBeUndefined();
  });

  it('reports one checkpoint entry per shard, empty with updateTime 0 until written, in microseconds after', () => {
    const { logstore, group, clock } = setup(3);
    expect(group.checkpoints()).toEqual([0, 1, 2].map((shard) => ({ shard, checkpoint: '', updateTime: 0, consumer: '' })));
    const cursor = logstore.shard(1).cursorAt(0);
    group.updateCheckpoint(1, cursor, '', true);
    expect(group.checkpoints(1)).toEqual([{ shard: 1, checkpoint: cursor, updateTime: clock.now * 1000, consumer: '' }]);
    expect(group.checkpoints(7)).toEqual([]);
  });
});
