// The content keys of SLS logs as the NDJSON transcoder needs them. Keys repeat on every log
// ("status", "request_uri", ...), so each distinct key is looked at once: its entry holds the
// JSON the record writes before its value (`,"request_id":`), whether the record keeps it, and
// the role it plays in the record (method, request_uri, status). Found by a hash of the key's
// bytes and a compare, without decoding the key.

import { isUtf8 } from 'node:buffer';
import { decodeUtf8 } from '../sls/codec/utf8.js';
import { jsonFragment, viewOf, type JsonFragment } from './json-bytes.js';
import { DERIVED_KEYS } from './request-parser.js';

const ROLE_NONE = 0;
export const ROLE_METHOD = 1;
export const ROLE_URI = 2;
export const ROLE_STATUS = 3;

/** ContentKey.keep of a key the record does not keep. */
const NOT_KEPT = -1;
/** ContentKey.keep of a key that only the reference parser places right (see #classify()). */
export const REFERENCE_ONLY = -2;

export interface ContentKey {
  readonly bytes: Uint8Array;
  /** Of `bytes`, to compare them four at a time. */
  readonly words: DataView;
  /** `,"key":`. */
  readonly prefix: JsonFragment;
  /** ROLE_*: what the parser derives from the key's value besides (maybe) keeping it. */
  readonly role: number;
  /** NOT_KEPT, REFERENCE_ONLY, or the key's place among the kept keys (0 for every key with `fields: all`). */
  readonly keep: number;
  /** The last log the key was seen in: a key seen twice in one log is left to the reference path. */
  stamp: number;
  readonly next: ContentKey | undefined;
}

const TABLE_BITS = 10;
/** More distinct keys than this (hostile or very varied data) and the table starts afresh. */
const MAX_KEYS = 4096;
const ROLES: ReadonlyMap<string, number> = new Map([['method', ROLE_METHOD], ['request_uri', ROLE_URI], ['status', ROLE_STATUS]]);

export class ContentKeys {
  /** Kept key -> its place in the record; undefined keeps every key that is not derived. */
  readonly #keep: ReadonlyMap<string, number> | undefined;
  /** Chained, not direct-mapped: an entry must live as long as its stamp is needed. */
  #table = new Array<ContentKey | undefined>(1 << TABLE_BITS).fill(undefined);
  #size = 0;

  constructor(keep: readonly string[] | undefined) {
    this.#keep = keep === undefined ? undefined : new Map(keep.map((key, index) => [key, index]));
  }

  /**
   * The entry of the key whose bytes are `buffer[start, end)`. `hint` is the likely answer
   * (the key at the same place in the previous log: logs of one source list the same keys in
   * the same order), checked before hashing.
   */
  get(buffer: Buffer, view: DataView, start: number, end: number, hint: ContentKey | undefined): ContentKey {
    if (hint !== undefined && sameBytes(hint, buffer, view, start, end)) return hint;
    let hash = 0x811c9dc5 ^ (end - start);
    for (let i = start; i < end; i++) hash = Math.imul(hash ^ (buffer[i] as number), 0x01000193);
    const slot = hash >>> (32 - TABLE_BITS);
    let key = this.#table[slot];
    while (key !== undefined && !sameBytes(key, buffer, view, start, end)) key = key.next;
    return key ?? this.#add(buffer, start, end, slot);
  }

  /**
   * Forgets every key when there are too many, and says so: hints from before must then be
   * dropped too, or one key could have two entries. Only between logs, so that no stamp of the
   * current log is lost.
   */
  trim(): boolean {
    if (this.#size <= MAX_KEYS) return false;
    this.#table.fill(undefined);
    this.#size = 0;
    return true;
  }

  #add(buffer: Buffer, start: number, end: number, slot: number): ContentKey {
    const bytes = Uint8Array.prototype.slice.call(buffer, start, end);
    const valid = isUtf8(bytes);
    const name = decodeUtf8(buffer, start, end);
    const key: ContentKey = {
      bytes,
      words: viewOf(bytes),
      prefix: jsonFragment(`,${JSON.stringify(name)}:`),
      role: (valid && ROLES.get(name)) || ROLE_NONE,
      keep: this.#classify(name, valid),
      stamp: 0,
      next: this.#table[slot],
    };
    this.#table[slot] = key;
    this.#size += 1;
    return key;
  }

  /**
   * Where the record keeps the key. A kept key goes the reference way when a plain object would
   * not hold it in arrival order under its own bytes: an integer-like name (JS puts those first),
   * `__proto__` (needs defineProperty), or invalid UTF-8 (two different keys may decode to the
   * same name, and then the last one's value wins).
   */
  #classify(name: string, valid: boolean): number {
    if (!valid) return REFERENCE_ONLY;
    const place = this.#keep === undefined ? (DERIVED_KEYS.has(name) ? NOT_KEPT : 0) : (this.#keep.get(name) ?? NOT_KEPT);
    if (place === NOT_KEPT) return NOT_KEPT;
    return name === '__proto__' || /^[0-9]+$/.test(name) ? REFERENCE_ONLY : place;
  }
}

/** Whether `key` has the bytes `buffer[start, end)` (`view` a DataView of `buffer`). */
function sameBytes(key: ContentKey, buffer: Buffer, view: DataView, start: number, end: number): boolean {
  const bytes = key.bytes;
  const length = bytes.length;
  if (length !== end - start) return false;
  const words = key.words;
  let i = 0;
  for (; i + 4 <= length; i += 4) if (words.getInt32(i, true) !== view.getInt32(start + i, true)) return false;
  for (; i < length; i++) if (bytes[i] !== buffer[start + i]) return false;
  return true;
}
