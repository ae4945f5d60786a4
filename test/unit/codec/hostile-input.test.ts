// Malformed and hostile bytes must end in a CorruptDataError (or a clean decode when the bytes
// happen to be valid): never another error type, a hang or a huge allocation. Each test runs
// thousands of inputs under a time bound far below what a single hang or giant buffer would take.

import { describe, expect, it } from 'vitest';
import { encodeLogGroup, encodeLogGroupList, countLogsInGroup } from '../../../src/sls/codec/log-group-encoder.js';
import { countLogGroups, decodeLogGroupList } from '../../../src/sls/codec/log-group-list-decoder.js';
import { CorruptDataError } from '../../../src/sls/errors.js';
import { randomGroup } from './cases.js';
import { SeededRandom } from '../../../src/emulator/seeded-random.js';

const readers = { decodeLogGroupList, countLogGroups, countLogsInGroup };

/** Runs every reader on `bytes`; fails the test on any outcome but success or CorruptDataError. */
function expectCleanOutcome(bytes: Uint8Array): void {
  for (const [name, read] of Object.entries(readers)) {
    try {
      read(bytes);
    } catch (error) {
      if (!(error instanceof CorruptDataError)) throw new Error(`${name} threw ${String(error)} on ${Buffer.from(bytes).toString('hex')}`);
      expect(error.offset).toBeGreaterThanOrEqual(0);
      expect(error.offset).toBeLessThanOrEqual(bytes.length);
    }
  }
}

function validList(random: SeededRandom, groups: number): Uint8Array {
  return encodeLogGroupList(Array.from({ length: groups }, () => encodeLogGroup(randomGroup(random))));
}

describe('hostile input', () => {
  it('10 000 random byte strings', () => {
    const random = new SeededRandom(21);
    const started = performance.now();
    for (let i = 0; i < 10_000; i++) expectCleanOutcome(random.bytes(random.below(200)));
    expect(performance.now() - started).toBeLessThan(10_000);
  });

  it('10 000 random byte strings that look like protobuf (plausible tags first)', () => {
    const random = new SeededRandom(22);
    const tags = [0x08, 0x0a, 0x12, 0x1a, 0x22, 0x25, 0x32, 0x0b, 0x0c, 0x0e, 0x0f, 0xff];
    for (let i = 0; i < 10_000; i++) {
      const bytes = random.bytes(random.below(100));
      for (let at = 0; at < bytes.length; at += 1 + random.below(6)) bytes[at] = random.pick(tags);
      expectCleanOutcome(bytes);
    }
  });

  it('every truncation of a valid list: whole groups decode, anything else is corrupt', () => {
    const random = new SeededRandom(23);
    const groups = [0, 1, 2].map(() => encodeLogGroup(randomGroup(random)));
    const list = encodeLogGroupList(groups);
    const boundaries = new Map([[0, 0]]);
    for (let g = 1; g <= groups.length; g++) boundaries.set(encodeLogGroupList(groups.slice(0, g)).length, g);
    for (let length = 0; length < list.length; length++) {
      const prefix = list.subarray(0, length);
      const wholeGroups = boundaries.get(length);
      if (wholeGroups === undefined) expect(() => decodeLogGroupList(prefix)).toThrow(CorruptDataError);
      else expect(countLogGroups(prefix)).toBe(wholeGroups);
    }
  });

  it('20 000 single-byte mutations of valid lists', () => {
    const random = new SeededRandom(24);
    const lists = Array.from({ length: 20 }, () => validList(random, 1 + random.below(3)));
    const started = performance.now();
    for (let i = 0; i < 20_000; i++) {
      const bytes = Uint8Array.from(random.pick(lists));
      bytes[random.below(bytes.length)] = random.uint32() & 0xff;
      expectCleanOutcome(bytes);
    }
    expect(performance.now() - started).toBeLessThan(15_000);
  });

  it('huge declared lengths fail at once, without allocating them', () => {
    const cases = [
      [0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f], // a LogGroup of 4 GiB
      [0x0a, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01], // 2^63
      [0x0a, 0x05, 0x0a, 0x7f, 0x08, 0x01, 0x00], // a Log longer than its LogGroup
      [0x0a, 0x06, 0x0a, 0x04, 0x12, 0x7f, 0x0a, 0x00], // a Content longer than its Log
    ];
    for (const bytes of cases) expect(() => decodeLogGroupList(new Uint8Array(bytes))).toThrow(/runs past the end|does not fit in 32 bits/);
  });

  it('wire types 3, 4, 6 and 7 are corrupt at every level, with their offset', () => {
    for (const wireType of [3, 4, 6, 7]) {
      const tag = (15 << 3) | wireType;
      const atTop = new Uint8Array([tag]);
      const inGroup = new Uint8Array([0x0a, 0x01, tag]);
      const inLog = new Uint8Array([0x0a, 0x03, 0x0a, 0x01, tag]);
      const inContent = new Uint8Array([0x0a, 0x05, 0x0a, 0x03, 0x12, 0x01, tag]);
      expect(offsetOfFailure(atTop)).toBe(0);
      expect(offsetOfFailure(inGroup)).toBe(2);
      expect(offsetOfFailure(inLog)).toBe(4);
      expect(offsetOfFailure(inContent)).toBe(6);
    }
  });

  it('a varint that never ends, or runs past its message', () => {
    const endless = new Uint8Array([0x0a, 0x0c, 0x0a, 0x0a, 0x08, ...Array<number>(9).fill(0xff)]);
    expect(() => decodeLogGroupList(endless)).toThrow(/runs past the end/);
    const tooLong = new Uint8Array([0x0a, 0x0f, 0x0a, 0x0d, 0x08, ...Array<number>(11).fill(0xff), 0x01]);
    expect(() => decodeLogGroupList(tooLong)).toThrow(/longer than 10 bytes/);
    expect(() => countLogGroups(new Uint8Array(Array<number>(100_000).fill(0xff)))).toThrow(CorruptDataError);
  });

  it('deeply nested length-delimited fields are skipped, not followed', () => {
    // 10 000 levels of "field 15 holding field 15 ...": unknown, so skipped as one value.
    let nested: number[] = [];
    for (let depth = 0; depth < 10_000; depth++) nested = [0x7a, ...varint(nested.length), ...nested];
    const list = new Uint8Array([...nested, 0x0a, 0x04, 0x0a, 0x02, 0x08, 0x07]);
    expect(decodeLogGroupList(list).map((record) => record.time)).toEqual([7]);
  });
});

function offsetOfFailure(bytes: Uint8Array): number | undefined {
  try {
    decodeLogGroupList(bytes);
  } catch (error) {
    if (error instanceof CorruptDataError) return error.offset;
    throw error;
  }
  return undefined;
}

function varint(value: number): number[] {
  return value < 0x80 ? [value] : [(value & 0x7f) | 0x80, ...varint(value >>> 7)];
}
