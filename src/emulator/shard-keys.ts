// Hash ranges of shards (sls-protocol.md §8): 128-bit keys written as 32 lower-case hex
// digits, `[inclusiveBeginKey, exclusiveEndKey)`. The last shard ends at ff..ff: SLS never
// writes the 33-digit 2^128, so the very top key belongs to no shard, as in the real service.

import { SlsError } from '../sls/errors.js';

export interface KeyRange {
  begin: string;
  end: string;
}

const KEY_DIGITS = 32;
const KEY_PATTERN = /^[0-9a-f]{1,32}$/;
const MAX_KEY = (1n << 128n) - 1n;

/** The key space split into `count` ranges of equal width. */
export function evenRanges(count: number): KeyRange[] {
  return splitRange({ begin: formatKey(0n), end: formatKey(MAX_KEY) }, count);
}

/**
 * `range` split into `count` ranges of equal width (what SplitShard with `shardCount=N`
 * does). A range ending at ff..ff is measured to 2^128, so halves meet at 80..0 as in the
 * real service; its last part still ends at ff..ff.
 */
export function splitRange(range: KeyRange, count: number): KeyRange[] {
  const begin = parseKey(range.begin);
  const end = parseKey(range.end) === MAX_KEY ? MAX_KEY + 1n : parseKey(range.end);
  const width = end - begin;
  if (!Number.isInteger(count) || count < 1 || BigInt(count) > width) {
    throw invalid(`cannot split the range ${range.begin}..${range.end} into ${count} shards`);
  }
  const bounds = Array.from({ length: count + 1 }, (_, i) => begin + (width * BigInt(i)) / BigInt(count));
  return bounds.slice(1).map((bound, i) => ({ begin: formatKey(bounds[i] as bigint), end: i === count - 1 ? range.end : formatKey(bound) }));
}

/** `range` split in two at `key`, which must lie strictly inside it. */
export function splitAt(range: KeyRange, key: string): [KeyRange, KeyRange] {
  const at = parseKey(key);
  if (at <= parseKey(range.begin) || at >= parseKey(range.end)) {
    throw invalid(`split key ${key} is not strictly inside the shard's range ${range.begin}..${range.end}`);
  }
  const middle = formatKey(at);
  return [{ begin: range.begin, end: middle }, { begin: middle, end: range.end }];
}

/** Whether `key` (any case, up to 32 hex digits) falls inside `range`. */
export function rangeHolds(range: KeyRange, key: string): boolean {
  const normalized = normalizeKey(key);
  return range.begin <= normalized && normalized < range.end;
}

/** A key as 32 lower-case hex digits, left-padded; `ParameterInvalid` when it is not hex. */
export function normalizeKey(key: string): string {
  return formatKey(parseKey(key));
}

function parseKey(key: string): bigint {
  const lower = key.toLowerCase();
  if (!KEY_PATTERN.test(lower)) throw invalid(`key ${key} is not a hash key of up to 32 hex digits`);
  return BigInt(`0x${lower}`);
}

function formatKey(value: bigint): string {
  return value.toString(16).padStart(KEY_DIGITS, '0');
}

function invalid(message: string): SlsError {
  return new SlsError({ code: 'ParameterInvalid', status: 400, message });
}
