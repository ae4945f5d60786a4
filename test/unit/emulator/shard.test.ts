import { describe, expect, it } from 'vitest';
import { codeOf } from './sls-code.js';
import { decodeCursor } from '../../../src/sls/cursor.js';
import { Shard } from '../../../src/emulator/shard.js';
import { evenRanges, rangeHolds, splitAt, splitRange } from '../../../src/emulator/shard-keys.js';
import { Logstore } from '../../../src/emulator/logstore.js';

const HEX32 = /^[0-9a-f]{32}$/;

/** A framed-able fake LogGroup of `size` bytes (the log does not look inside). */
function group(size: number, fill: number): Uint8Array {
  return new Uint8Array(size).fill(fill);
}

describe('hash ranges (§8)', () => {
  it.each([1, 2, 3, 4, 7, 64])('splits the key space into %i contiguous ranges of 32 lower-hex keys', (count) => {
    const ranges = evenRanges(count);
    expect(ranges).toHaveLength(count);
    expect(ranges[0]?.begin).toBe('0'.repeat(32));
    expect(ranges.at(-1)?.end).toBe('f'.repeat(32));
    ranges.forEach((range, i) => {
      expect(range.begin).toMatch(HEX32);
      expect(range.end).toMatch(HEX32);
      expect(range.begin < range.end).toBe(true);
      if (i > 0) expect(range.begin).toBe(ranges[i - 1]?.end);
    });
  });

  it('puts the halfway key of two shards at 8000...', () => {
    expect(evenRanges(2)[1]?.begin).toBe(`8${'0'.repeat(31)}`);
  });

  it('routes a key to the range holding it, whatever its case', () => {
    const [low, high] = evenRanges(2);
    expect(rangeHolds(low!, `7${'F'.repeat(31)}`)).toBe(true);
    expect(rangeHolds(high!, `7${'F'.repeat(31)}`)).toBe(false);
    expect(rangeHolds(high!, `8${'0'.repeat(31)}`)).toBe(true);
  });

  it('splits at a key strictly inside the range only', () => {
    const [whole] = evenRanges(1);
    const [left, right] = splitAt(whole!, '4');
    expect(left.end).toBe(`${'0'.repeat(31)}4`);
    expect(right.begin).toBe(left.end);
    expect(codeOf(() => splitAt(left, right.end))).toBe('400 ParameterInvalid');
    expect(codeOf(() => splitAt(left, 'zz'))).toBe('400 ParameterInvalid');
    expect(splitRange(whole!, 4)).toEqual(evenRanges(4));
  });
});

describe('shard cursors (§7)', () => {
  const createTime = 1_700_000_123;

  it('numbers groups from createTime × 10⁹ exactly, beyond 2^53', () => {
    const shard = new Shard({ id: 0, range: evenRanges(1)[0]!, createTime });
    shard.groups.append(group(3, 1), 1, createTime);
    expect(decodeCursor(shard.cursorAt(0))).toBe(1_700_000_123_000_000_000n);
    expect(decodeCursor(shard.cursorAt(1))).toBe(1_700_000_123_000_000_001n);
    expect(shard.indexOf(shard.cursorAt(1))).toBe(1);
    expect(shard.indexOf(shard.cursorAt(1).replace(/=+$/, ''))).toBe(1);
  });

  it('answers InvalidCursor past the end and before the first live group, ParameterInvalid for garbage', () => {
    const shard = new Shard({ id: 0, range: evenRanges(1)[0]!, createTime });
    for (let i = 0; i < 3; i++) shard.groups.append(group(3, i), 1, createTime + i);
    expect(codeOf(() => shard.indexOf(shard.cursorAt(4)))).toBe('400 InvalidCursor');
    expect(shard.expireBefore(2)).toBe(2);
    expect(codeOf(() => shard.indexOf(shard.cursorAt(1)))).toBe('400 InvalidCursor');
    expect(shard.indexOf(shard.cursorAt(2))).toBe(2);
    expect(codeOf(() => shard.indexOf('bm90IGEgbnVtYmVy'))).toBe('400 ParameterInvalid');
  });

  it('finds the first live group received at or after a time', () => {
    const shard = new Shard({ id: 0, range: evenRanges(1)[0]!, createTime });
    [10, 20, 20, 30].forEach((t, i) => shard.groups.append(group(2, i), 1, createTime + t));
    expect(shard.indexAtTime(createTime + 20)).toBe(1);
    expect(shard.indexAtTime(createTime + 21)).toBe(3);
    expect(shard.indexAtTime(createTime + 99)).toBe(4);
    shard.expireBefore(2);
    expect(shard.indexAtTime(createTime)).toBe(2);
  });

  it('serves a range of groups as a LogGroupList and caps it by bytes', () => {
    const shard = new Shard({ id: 0, range: evenRanges(1)[0]!, createTime });
    const sizes = [5, 200, 7];
    sizes.forEach((size, i) => shard.groups.append(group(size, i + 1), 1, createTime));
    const framed = (size: number, fill: number): number[] => [0x0a, ...(size < 128 ? [size] : [(size & 0x7f) | 0x80, size >> 7]), ...group(size, fill)];
    expect([...shard.groups.body(0, 3)]).toEqual([...framed(5, 1), ...framed(200, 2), ...framed(7, 3)]);
    expect(shard.groups.rangeEnd(0, 3, 7 + 203)).toBe(2);
    expect(shard.groups.rangeEnd(0, 3, 1)).toBe(1); // never less than one group
    expect(shard.groups.rangeEnd(1, 1, 1000)).toBe(1);
  });

  it('keeps data readable in a split parent and routes writes to the children', () => {
    const logstore = new Logstore('access', { ttl: 1, shardCount: 2 }, () => 1_700_000_000_000);
    const answer = logstore.split(0, { key: '4' });
    expect(answer.map((s) => [s.shardID, s.status])).toEqual([[0, 'readonly'], [2, 'readwrite'], [3, 'readwrite']]);
    expect(logstore.shardForKey('1').id).toBe(2);
    expect(logstore.shardForKey('5').id).toBe(3);
    expect(logstore.shardForKey(`9${'0'.repeat(31)}`).id).toBe(1);
    const merged = logstore.merge(3);
    expect(merged.map((s) => s.shardID)).toEqual([3, 1, 4]);
    expect(merged[2]).toMatchObject({ inclusiveBeginKey: `${'0'.repeat(31)}4`, exclusiveEndKey: 'f'.repeat(32) });
    expect(codeOf(() => logstore.split(0, { shardCount: 2 }))).toBe('400 ParameterInvalid');
  });
});
