import protobuf from 'protobufjs';
import { describe, expect, it } from 'vitest';
import { decodeUtf8, decodeUtf8Lenient } from '../../../src/sls/codec/utf8.js';
import { SeededRandom } from '../../../src/emulator/seeded-random.js';

const whatwg = new TextDecoder();

/** Bytes biased towards the interesting ranges: ASCII, continuation bytes, lead bytes, ED. */
function trickyBytes(random: SeededRandom, length: number): Buffer {
  const pool = [0x41, 0x7f, 0x80, 0x9f, 0xa0, 0xbf, 0xc0, 0xc2, 0xdf, 0xe0, 0xed, 0xef, 0xf0, 0xf4, 0xf5, 0xff];
  return Buffer.from(Array.from({ length }, () => (random.below(3) === 0 ? random.below(256) : random.pick(pool))));
}

const hasEncodedSurrogate = (bytes: Uint8Array): boolean =>
  bytes.some((byte, i) => byte === 0xed && (bytes[i + 1] ?? 0) >= 0xa0 && (bytes[i + 1] ?? 0) <= 0xbf && ((bytes[i + 2] ?? 0) & 0xc0) === 0x80);

describe('lenient UTF-8 decoding', () => {
  it('matches the WHATWG decoder on any bytes without an encoded surrogate', () => {
    const random = new SeededRandom(11);
    let compared = 0;
    for (let round = 0; round < 20_000; round++) {
      const bytes = trickyBytes(random, random.below(12));
      if (hasEncodedSurrogate(bytes)) continue;
      expect(decodeUtf8Lenient(bytes, 0, bytes.length)).toBe(whatwg.decode(bytes));
      compared++;
    }
    expect(compared).toBeGreaterThan(15_000);
  });

  it('gives back the JS string protobufjs encoded, lone surrogates included', () => {
    const random = new SeededRandom(12);
    const units = [0x41, 0xe9, 0x4e2d, 0xd800, 0xdbff, 0xdc00, 0xdfff, 0xfffd, 0xffff];
    for (let round = 0; round < 5000; round++) {
      const text = String.fromCharCode(...Array.from({ length: random.below(10) }, () => random.pick(units)));
      const bytes = Buffer.alloc(protobuf.util.utf8.length(text));
      protobuf.util.utf8.write(text, bytes, 0);
      expect(decodeUtf8Lenient(bytes, 0, bytes.length)).toBe(text);
      expect(decodeUtf8(bytes, 0, bytes.length)).toBe(text);
    }
  });

  it('takes the same result on its fast path as on its slow one, for long values too', () => {
    const random = new SeededRandom(13);
    for (let round = 0; round < 2000; round++) {
      const bytes = trickyBytes(random, random.below(3) === 0 ? 9000 + random.below(9000) : random.below(40));
      const start = Math.min(random.below(4), bytes.length);
      expect(decodeUtf8(bytes, start, bytes.length)).toBe(decodeUtf8Lenient(bytes, start, bytes.length));
    }
  });

  it('decodes a valid 20 000-character value in one piece', () => {
    const text = '中文 and ascii 😀 '.repeat(1250);
    const bytes = Buffer.from(text);
    expect(decodeUtf8Lenient(bytes, 0, bytes.length)).toBe(text);
  });
});
