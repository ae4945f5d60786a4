import { beforeAll, describe, expect, it } from 'vitest';
import { NginxLogGenerator } from '../../../src/emulator/generator.js';
import { compress, decompress, loadCodec, MAX_RAW_SIZE, parseCompressType } from '../../../src/sls/codec/compression.js';
import { encodeLogGroup, encodeLogGroupList } from '../../../src/sls/codec/log-group-encoder.js';
import { zstd } from '../../../src/sls/codec/zstd.js';
import { CorruptDataError } from '../../../src/sls/errors.js';
import type { CompressType } from '../../../src/sls/types.js';
import { expectSameBytes } from './expect-bytes.js';
import { SeededRandom } from '../../../src/emulator/seeded-random.js';

const TYPES: CompressType[] = ['lz4', 'zstd', 'deflate', 'none'];
const generator = new NginxLogGenerator({ seed: 9 });
const NGINX = encodeLogGroupList([encodeLogGroup(generator.nextGroup(550)), encodeLogGroup(generator.nextGroup(550))]);

describe('loadCodec', () => {
  // First in this file: nothing has loaded the zstd codec of compression.ts yet.
  it('loads the zstd codec on demand: zstd bodies are coded once it resolved, and refused by a mistake before', async () => {
    const before = 'the zstd codec was used before loadCodec("zstd") loaded it';
    expect(() => compress('zstd', NGINX)).toThrow(before);
    expect(() => decompress('zstd', NGINX, 10)).toThrow(before);
    await Promise.all([loadCodec('zstd'), loadCodec('zstd')]);
    expectSameBytes(decompress('zstd', compress('zstd', NGINX), NGINX.length), NGINX);
  });

  it('needs nothing for the other types, nor for a type that is not known', async () => {
    for (const type of ['lz4', 'deflate', 'none', undefined] as const) await expect(loadCodec(type)).resolves.toBeUndefined();
  });
});

describe('compress / decompress', () => {
  beforeAll(() => loadCodec('zstd'));

  it.each(TYPES)('round-trips %s: nginx logs, empty, tiny and random bodies', (type) => {
    const random = new SeededRandom(41);
    for (const raw of [NGINX, new Uint8Array(0), new Uint8Array([1]), random.bytes(10_000)]) {
      expectSameBytes(decompress(type, compress(type, raw), raw.length), raw);
    }
  });

  it.each(['lz4', 'zstd', 'deflate'] as const)('%s makes nginx logs at least 3 times smaller', (type) => {
    expect(NGINX.length / compress(type, NGINX).length).toBeGreaterThan(3);
  });

  it.each(TYPES)('%s accepts an empty body declared empty, as a caught-up PullLogs answer is', (type) => {
    expect(decompress(type, new Uint8Array(0), 0).length).toBe(0);
  });

  it('none hands the same bytes back', () => {
    expect(compress('none', NGINX)).toBe(NGINX);
    expect(decompress('none', NGINX, NGINX.length)).toBe(NGINX);
  });

  it.each(TYPES)('%s refuses a body whose size differs from the declared one', (type) => {
    const body = compress(type, NGINX);
    expect(() => decompress(type, body, NGINX.length + 1)).toThrow(CorruptDataError);
    expect(() => decompress(type, body, NGINX.length - 1)).toThrow(CorruptDataError);
  });

  it.each(TYPES)('%s refuses declared sizes that are not sizes, before allocating', (type) => {
    for (const rawSize of [-1, 1.5, Number.NaN, MAX_RAW_SIZE + 1, 2 ** 60]) {
      expect(() => decompress(type, new Uint8Array(10), rawSize)).toThrow(CorruptDataError);
    }
  });

  it.each(['lz4', 'zstd', 'deflate'] as const)('%s: 3 000 random bodies and mutations end in CorruptDataError or the right size', (type) => {
    const random = new SeededRandom(42);
    const raw = NGINX.subarray(0, 4000);
    const body = compress(type, raw);
    for (let i = 0; i < 3000; i++) {
      const bytes = i % 2 === 0 ? random.bytes(random.below(100)) : Uint8Array.from(body);
      if (i % 2 === 1) {
        const at = random.below(bytes.length);
        bytes[at] = (bytes[at] as number) ^ (1 + random.below(255));
      }
      const rawSize = i % 2 === 1 ? raw.length : random.below(1000);
      try {
        expect(decompress(type, bytes, rawSize).length).toBe(rawSize);
      } catch (error) {
        expect(error).toBeInstanceOf(CorruptDataError);
      }
    }
  });
});

describe('zstd frames', () => {
  beforeAll(() => loadCodec('zstd'));

  it('decodes a frame that does not declare its content size', () => {
    // magic, descriptor 0 (no content size, not single-segment), window 1 KiB, one raw last block of 100 bytes.
    const content = new SeededRandom(43).bytes(100);
    const header = [0x28, 0xb5, 0x2f, 0xfd, 0x00, 0x00];
    const blockHeader = [1 | (0 << 1) | ((100 << 3) & 0xff), (100 << 3) >> 8, 0];
    const frame = Uint8Array.from([...header, ...blockHeader, ...content]);
    expectSameBytes(zstd.decompress(frame, 100), content);
    expect(() => zstd.decompress(frame, 101)).toThrow(CorruptDataError);
  });

  it('refuses a body that is not a zstd frame', () => {
    expect(() => decompress('zstd', new TextEncoder().encode('not zstd at all'), 15)).toThrow(CorruptDataError);
    expect(() => decompress('zstd', Uint8Array.of(0x28, 0xb5), 2)).toThrow(CorruptDataError);
  });
});

describe('parseCompressType', () => {
  it.each([
    ['lz4', 'lz4'],
    ['zstd', 'zstd'],
    ['deflate', 'deflate'],
    [' LZ4 ', 'lz4'],
    ['', 'none'],
    [undefined, 'none'],
    ['gzip', undefined],
    ['snappy', undefined],
  ] as const)('%j -> %j', (header, expected) => {
    expect(parseCompressType(header)).toBe(expected);
  });
});
