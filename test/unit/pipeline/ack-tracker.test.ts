// The checkpoint rule: a shard's watermark never passes a batch that is not done, however out
// of order the batches finish.

import { describe, expect, it } from 'vitest';
import { AckTracker } from '../../../src/pipeline/ack-tracker.js';

/** Whether `promise` has settled once pending callbacks ran. */
async function isSettled(promise: Promise<unknown>): Promise<boolean> {
  let settled = false;
  void promise.then(() => (settled = true), () => (settled = true));
  await new Promise<void>((resolve) => setImmediate(resolve));
  return settled;
}

describe('AckTracker', () => {
  it('moves the watermark only over the unbroken run of done batches from the oldest', () => {
    const acks = new AckTracker();
    const [a, b, c] = ['A', 'B', 'C'].map((cursor) => acks.open(1, cursor, 1));
    expect(acks.watermark(1)).toBeUndefined();
    acks.done(c!);
    expect(acks.watermark(1)).toBeUndefined();
    acks.done(a!);
    expect(acks.watermark(1)).toBe('A');
    acks.done(b!);
    expect(acks.watermark(1)).toBe('C');
    expect(acks.pendingBatches).toBe(0);
  });

  it('waits for every part of a batch', () => {
    const acks = new AckTracker();
    const batch = acks.open(0, 'X', 3);
    acks.done(batch);
    acks.done(batch);
    expect(acks.watermark(0)).toBeUndefined();
    acks.done(batch);
    expect(acks.watermark(0)).toBe('X');
    expect(() => acks.done(batch)).toThrow(/acked more often than it has parts/);
  });

  it('completes a batch without parts at once, but in order', () => {
    const acks = new AckTracker();
    acks.open(0, 'EMPTY-FIRST', 0);
    expect(acks.watermark(0)).toBe('EMPTY-FIRST');
    const full = acks.open(0, 'FULL', 1);
    acks.open(0, 'EMPTY-AFTER', 0);
    expect(acks.watermark(0)).toBe('EMPTY-FIRST');
    acks.done(full);
    expect(acks.watermark(0)).toBe('EMPTY-AFTER');
  });

  it('keeps shards apart', () => {
    const acks = new AckTracker();
    const slow = acks.open(0, 'S0', 1);
    const fast = acks.open(1, 'S1', 1);
    acks.done(fast);
    expect([acks.watermark(0), acks.watermark(1), acks.watermark(2)]).toEqual([undefined, 'S1', undefined]);
    acks.done(slow);
    expect(acks.watermark(0)).toBe('S0');
  });

  it('settles a shard once none of its batches is pending, and at once when none ever was', async () => {
    const acks = new AckTracker();
    await expect(acks.settled(5)).resolves.toBeUndefined();
    const first = acks.open(5, 'F', 1);
    const second = acks.open(5, 'G', 1);
    const other = acks.open(6, 'H', 1);
    const settled = acks.settled(5);
    acks.done(second);
    acks.done(other);
    expect(await isSettled(settled)).toBe(false);
    acks.done(first);
    expect(await isSettled(settled)).toBe(true);
  });

  it('keeps the order across many batches finished in reverse', () => {
    const acks = new AckTracker();
    const batches = Array.from({ length: 3000 }, (_, i) => acks.open(0, `c${i}`, 1));
    for (let i = batches.length - 1; i > 0; i--) acks.done(batches[i]!);
    expect(acks.watermark(0)).toBeUndefined();
    acks.done(batches[0]!);
    expect(acks.watermark(0)).toBe('c2999');
    // Done in order past the compaction threshold, with one batch still open at the end.
    const more = Array.from({ length: 2500 }, (_, i) => acks.open(0, `d${i}`, 1));
    for (const batch of more.slice(0, -1)) acks.done(batch);
    expect(acks.watermark(0)).toBe('d2498');
    acks.done(more.at(-1)!);
    expect(acks.watermark(0)).toBe('d2499');
  });
});
