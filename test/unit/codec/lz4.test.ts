import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { nativeLz4 } from '../../../src/sls/codec/lz4-native.js';
import { jsLz4, lz4CompressBlock, lz4DecompressBlock, type Lz4BlockCodec } from '../../../src/sls/codec/lz4.js';
import { NginxLogGenerator } from '../../../src/emulator/generator.js';
import { encodeLogGroup, encodeLogGroupList } from '../../../src/sls/codec/log-group-encoder.js';
import { CorruptDataError } from '../../../src/sls/errors.js';
import { expectSameBytes } from './expect-bytes.js';
import { SeededRandom } from '../../../src/emulator/seeded-random.js';

interface Lz4js {
  compressBound(size: number): number;
  compressBlock(src: Uint8Array, dst: Uint8Array, srcIndex: number, srcLength: number, hashTable: Uint32Array): number;
  decompressBlock(src: Uint8Array, dst: Uint8Array, srcIndex: number, srcLength: number, dstIndex: number): number;
}
const lz4js = createRequire(import.meta.url)('lz4js') as Lz4js;

// §12: the LogGroupList of the test vector as a literal-only LZ4 block.
const VECTOR_LIST = '0a390a130880e2cfaa0612060a016b12017625050000001a017422093132372e302e302e3132140a0b5f5f7061636b5f69645f5f12054142432d31';

function samples(): Array<[string, Uint8Array]> {
  const random = new SeededRandom(31);
  const generator = new NginxLogGenerator({ seed: 5 });
  const nginx = encodeLogGroupList([encodeLogGroup(generator.nextGroup(300)), encodeLogGroup(generator.nextGroup(300))]);
  const repeated = new Uint8Array(100_000).fill(0x61);
  const farRepeat = new Uint8Array(200_000);
  farRepeat.set(random.bytes(70_000), 0);
  farRepeat.set(farRepeat.subarray(0, 70_000), 70_000); // repeats beyond the 64 KiB window
  return [
    ['empty', new Uint8Array(0)],
    ['1 byte', new Uint8Array([7])],
    ['12 bytes', new TextEncoder().encode('abcabcabcabc')],
    ['13 bytes', new TextEncoder().encode('abcabcabcabca')],
    ['random (incompressible)', random.bytes(50_000)],
    ['one long run', repeated],
    ['repeats beyond the window', farRepeat],
    ['nginx logs', nginx],
    ['short periodic', new TextEncoder().encode('ab'.repeat(40) + 'xyz')],
  ];
}

const codecs: Lz4BlockCodec[] = nativeLz4 ? [jsLz4, nativeLz4] : [jsLz4];

/** Walks a block's sequences and returns, for the last match, where it starts and ends in the output. */
function lastMatch(block: Uint8Array): { start: number; end: number } | undefined {
  let ip = 0;
  let op = 0;
  let last: { start: number; end: number } | undefined;
  const length = (initial: number): number => {
    let total = initial;
    if (initial === 15) for (let byte = 255; byte === 255; total += byte) byte = block[ip++] as number;
    return total;
  };
  while (ip < block.length) {
    const token = block[ip++] as number;
    const literals = length(token >> 4);
    ip += literals;
    op += literals;
    if (ip >= block.length) break;
    ip += 2;
    const matchLength = length(token & 15) + 4;
    last = { start: op, end: op + matchLength };
    op += matchLength;
  }
  return last;
}

describe('LZ4 raw blocks', () => {
  it('decodes the §12 literal-only block', () => {
    const list = Buffer.from(VECTOR_LIST, 'hex');
    const block = Buffer.concat([Buffer.from('f02c', 'hex'), list]);
    for (const codec of codecs) expectSameBytes(codec.decompress(block, 59), list);
  });

  it.each(samples())('round-trips %s through every codec and across them', (_name, raw) => {
    for (const encoder of codecs) {
      const block = encoder.compress(raw);
      for (const decoder of codecs) expectSameBytes(decoder.decompress(block, raw.length), raw);
      const byLz4js = new Uint8Array(raw.length);
      expect(lz4js.decompressBlock(block, byLz4js, 0, block.length, 0)).toBe(raw.length);
      expectSameBytes(byLz4js, raw);
    }
    const fromLz4js = new Uint8Array(lz4js.compressBound(raw.length));
    const size = lz4js.compressBlock(raw, fromLz4js, 0, raw.length, new Uint32Array(1 << 16));
    // lz4js answers 0 for input it cannot compress; SLS then sends the body uncompressed.
    if (size > 0) expectSameBytes(lz4DecompressBlock(fromLz4js.subarray(0, size), raw.length), raw);
  });

  it.each(samples())('keeps the block end rules on %s (last match starts >= 12 and ends >= 5 bytes before the end)', (_name, raw) => {
    const match = lastMatch(lz4CompressBlock(raw));
    if (match === undefined) return;
    expect(match.start).toBeLessThanOrEqual(raw.length - 12);
    expect(match.end).toBeLessThanOrEqual(raw.length - 5);
  });

  it('compresses nginx logs at least 3:1', () => {
    const generator = new NginxLogGenerator({ seed: 6 });
    const raw = encodeLogGroupList([encodeLogGroup(generator.nextGroup(550))]);
    expect(raw.length / lz4CompressBlock(raw).length).toBeGreaterThan(3);
  });

  describe.each(codecs.map((codec) => [codec.name, codec] as const))('corrupt blocks (%s)', (_name, codec) => {
    const raw = new TextEncoder().encode('0123456789'.repeat(20));
    const block = lz4CompressBlock(raw);
    const cases: Array<[string, Uint8Array, number]> = [
      ['a declared size too large', block, raw.length + 1],
      ['a declared size too small', block, raw.length - 1],
      ['a truncated block', block.subarray(0, block.length - 3), raw.length],
      ['an offset of zero', Uint8Array.of(0x10, 0x61, 0x00, 0x00, 0x50, 1, 2, 3, 4, 5), 10],
      ['an offset before the start', Uint8Array.of(0x10, 0x61, 0x05, 0x00, 0x50, 1, 2, 3, 4, 5), 10],
      ['literals past the end of the block', Uint8Array.of(0xf0, 0x20, 1, 2, 3), 47],
      ['a size no block of its length can reach', block, 1_000_000_000],
    ];
    it.each(cases)('%s', (_case, bytes, rawSize) => {
      expect(() => codec.decompress(bytes, rawSize)).toThrow(CorruptDataError);
    });

    it('10 000 random blocks and mutations', () => {
      const random = new SeededRandom(32);
      for (let i = 0; i < 10_000; i++) {
        const bytes = i % 2 === 0 ? random.bytes(random.below(64)) : Uint8Array.from(block);
        if (i % 2 === 1) bytes[random.below(bytes.length)] = random.uint32() & 0xff;
        try {
          codec.decompress(bytes, i % 2 === 1 ? raw.length : random.below(300));
        } catch (error) {
          expect(error).toBeInstanceOf(CorruptDataError);
        }
      }
    });
  });
});
