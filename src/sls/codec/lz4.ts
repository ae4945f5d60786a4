// LZ4 raw blocks (§13): no frame, no size prefix, no checksum; the decompressed size travels
// beside the block (x-log-bodyrawsize). Both directions in plain JS, for platforms where the
// native codec (lz4-native.ts, faster) does not load, and as an independent implementation that
// the tests cross-check the native one and lz4js against.

import { CorruptDataError } from '../errors.js';

/** One implementation of raw LZ4 blocks (this file's JS one, or lz4-native.ts). */
export interface Lz4BlockCodec {
  readonly name: string;
  compress(raw: Uint8Array): Uint8Array;
  /** Throws CorruptDataError when the block is malformed or does not decompress to exactly rawSize bytes. */
  decompress(block: Uint8Array, rawSize: number): Uint8Array;
}

export const jsLz4: Lz4BlockCodec = {
  name: 'sluice-js',
  compress: (raw) => lz4CompressBlock(raw),
  decompress: (block, rawSize) => lz4DecompressBlock(block, rawSize),
};

const MIN_MATCH = 4;
/** A match must start at least this many bytes before the end of the block (LZ4 block rule). */
const MATCH_FIND_LIMIT = 12;
/** The last bytes of a block are always literals (LZ4 block rule). */
const LAST_LITERALS = 5;
const MAX_OFFSET = 0xffff;
const HASH_BITS = 14;
/** Copies longer than this go through native set/copyWithin; shorter ones are cheaper as JS loops. */
const LONG_COPY = 64;
/** Each input byte can stand for at most 255 output bytes (a length continuation byte). */
const MAX_RATIO = 255;

/** Decompresses one raw LZ4 block whose decompressed size is known. Throws CorruptDataError. */
export function lz4DecompressBlock(block: Uint8Array, rawSize: number): Uint8Array {
  checkLz4RawSize(block, rawSize);
  const out = new Uint8Array(rawSize);
  const end = block.length;
  let ip = 0;
  let op = 0;
  while (ip < end) {
    const token = block[ip++] as number;
    let literals = token >>> 4;
    if (literals === 15) {
      const extra = lengthContinuation(block, ip, 'literal');
      ip += continuationBytes(extra);
      literals += extra;
    }
    if (literals > end - ip) throw corrupt(`${literals} literals run past the end of the block`, ip);
    if (literals > rawSize - op) throw corrupt(`output grows past the declared size ${rawSize}`, ip);
    if (literals > LONG_COPY) out.set(block.subarray(ip, ip + literals), op);
    else for (let i = 0; i < literals; i++) out[op + i] = block[ip + i] as number;
    ip += literals;
    op += literals;
    if (ip === end) break; // the last sequence has literals only
    if (end - ip < 2) throw corrupt('match offset runs past the end of the block', ip);
    const offset = (block[ip] as number) | ((block[ip + 1] as number) << 8);
    if (offset === 0 || offset > op) throw corrupt(`match offset ${offset} points before the start of the output`, ip);
    ip += 2;
    let length = token & 15;
    if (length === 15) {
      const extra = lengthContinuation(block, ip, 'match');
      ip += continuationBytes(extra);
      length += extra;
    }
    length += MIN_MATCH;
    if (length > rawSize - op) throw corrupt(`output grows past the declared size ${rawSize}`, ip);
    let from = op - offset;
    if (offset >= length && length > LONG_COPY) {
      out.copyWithin(op, from, from + length);
      op += length;
    } else {
      // Overlapping copies repeat the last `offset` bytes, so they must go byte by byte.
      const stop = op + length;
      while (op < stop) out[op++] = out[from++] as number;
    }
  }
  if (op !== rawSize) throw corrupt(`block decompresses to ${op} bytes, but ${rawSize} were declared`, ip);
  return out;
}

/** The sum of a length continuation at `at`: bytes of 255 add up and go on, the first smaller byte ends it. */
function lengthContinuation(block: Uint8Array, at: number, what: string): number {
  let sum = 0;
  let byte = 255;
  while (byte === 255) {
    if (at >= block.length) throw corrupt(`${what} length runs past the end of the block`, at);
    byte = block[at++] as number;
    sum += byte;
  }
  return sum;
}

/** How many bytes a continuation summing to `sum` took: one per 255, plus the last. */
function continuationBytes(sum: number): number {
  return Math.floor(sum / 255) + 1;
}

/** Refuses, before anything is allocated, a declared size that no block of this length can reach. */
export function checkLz4RawSize(block: Uint8Array, rawSize: number): void {
  if (rawSize > block.length * MAX_RATIO + MIN_MATCH * 4) {
    throw corrupt(`a ${block.length}-byte block cannot hold the declared ${rawSize} bytes`, 0);
  }
}

/** Hash table of the compressor: last position + 1 of each 4-byte hash (0 = none). Reused. */
const table = new Int32Array(1 << HASH_BITS);

/** Compresses into one raw LZ4 block with a greedy hash-table matcher (LZ4's "fast" strategy). */
export function lz4CompressBlock(input: Uint8Array): Uint8Array {
  const length = input.length;
  const out = new Uint8Array(length + Math.ceil(length / 255) + 16);
  table.fill(0);
  const matchStartLimit = length - MATCH_FIND_LIMIT;
  const matchEndLimit = length - LAST_LITERALS;
  let anchor = 0;
  let ip = 0;
  let op = 0;
  let misses = 0;
  while (ip <= matchStartLimit) {
    const sequence = read32(input, ip);
    const slot = Math.imul(sequence, 2654435761) >>> (32 - HASH_BITS);
    const candidate = (table[slot] as number) - 1;
    table[slot] = ip + 1;
    if (candidate < 0 || ip - candidate > MAX_OFFSET || read32(input, candidate) !== sequence) {
      // Skip faster through data that does not compress, as LZ4 does.
      ip += 1 + (misses++ >> 6);
      continue;
    }
    misses = 0;
    let matchEnd = ip + MIN_MATCH;
    let from = candidate + MIN_MATCH;
    while (matchEnd < matchEndLimit && input[matchEnd] === input[from]) {
      matchEnd++;
      from++;
    }
    op = writeSequence(out, op, input, anchor, ip, ip - candidate, matchEnd - ip);
    ip = anchor = matchEnd;
  }
  op = writeLiterals(out, op, input, anchor, length, 0);
  return out.subarray(0, op);
}

/** Writes literals input[anchor, ip) and a match of `matchLength` at `offset`; returns the next position. */
function writeSequence(out: Uint8Array, op: number, input: Uint8Array, anchor: number, ip: number, offset: number, matchLength: number): number {
  const extra = matchLength - MIN_MATCH;
  op = writeLiterals(out, op, input, anchor, ip, extra < 15 ? extra : 15);
  out[op++] = offset & 0xff;
  out[op++] = offset >>> 8;
  return extra >= 15 ? writeLengthBytes(out, op, extra - 15) : op;
}

/** Writes a token (literal count + `matchNibble`), the count's extra bytes and the literals. */
function writeLiterals(out: Uint8Array, op: number, input: Uint8Array, from: number, to: number, matchNibble: number): number {
  const count = to - from;
  out[op++] = ((count < 15 ? count : 15) << 4) | matchNibble;
  if (count >= 15) op = writeLengthBytes(out, op, count - 15);
  if (count > LONG_COPY) out.set(input.subarray(from, to), op);
  else for (let i = 0; i < count; i++) out[op + i] = input[from + i] as number;
  return op + count;
}

function writeLengthBytes(out: Uint8Array, op: number, rest: number): number {
  while (rest >= 255) {
    out[op++] = 255;
    rest -= 255;
  }
  out[op++] = rest;
  return op;
}

function read32(bytes: Uint8Array, at: number): number {
  return (bytes[at] as number) | ((bytes[at + 1] as number) << 8) | ((bytes[at + 2] as number) << 16) | ((bytes[at + 3] as number) << 24);
}

function corrupt(reason: string, offset: number): CorruptDataError {
  return new CorruptDataError(`LZ4 block is corrupt at byte ${offset}: ${reason}`, offset);
}
