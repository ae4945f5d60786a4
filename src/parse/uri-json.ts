// The `"path"` and `"query"` members of a record, written from the bytes of its request_uri
// value, for the NDJSON transcoder: the same JSON that splitRequestUri (request-uri.ts) and
// JSON.stringify make of the decoded value.
//
// An ASCII URI is split and percent-decoded here, byte by byte, into a scratch buffer (or not
// at all when it has no `%`, and no `+` in its query): splitting happens before decoding, as
// in splitRequestUri, so an encoded `&` or `=` never splits. Anything else goes through
// splitRequestUri itself, which is exact by construction: non-ASCII bytes (the decoder's
// lenient UTF-8 rules), keys a JS object orders first (integer-like), many pairs, and
// malformed encoding (to learn whether the parser rejects it).

import { isUtf8 } from 'node:buffer';
import { decodeUtf8 } from '../sls/codec/utf8.js';
import { jsonFragment, viewOf, type JsonBytes } from './json-bytes.js';
import { ParseError } from './parse-error.js';
import { splitRequestUri } from './request-uri.js';

const PATH = jsonFragment(',"path":');
const QUERY = jsonFragment(',"query":');
const QUESTION = 0x3f;
const PERCENT = 0x25;
const PLUS = 0x2b;
const AMPERSAND = 0x26;
const EQUALS = 0x3d;
const SPACE = 0x20;
/** More query pairs than this go to splitRequestUri: finding repeated keys is quadratic here. */
const MAX_PAIRS = 32;
/** Per byte value: its value as a hex digit, or -1. */
const HEX = Int8Array.from({ length: 256 }, (_, byte) => {
  const digit = parseInt(String.fromCharCode(byte), 16);
  return Number.isNaN(digit) ? -1 : digit;
});

export class UriJson {
  /** Per query pair of the URI being written, as found in it: start, first `=` (or end), end. */
  readonly #raw = new Int32Array(MAX_PAIRS * 3);
  #pathStart = 0;
  #pathEnd = 0;
  /** Whether the URI being written has anything to decode. */
  #encoded = false;
  /** The path, then per query pair its key and value: start and end of each, in the buffer #write() is given. */
  readonly #bounds = new Int32Array(2 + MAX_PAIRS * 4);
  /** Per query pair, the first pair with its key (itself unless the key repeats): a repeated key's values become one array. */
  readonly #first = new Int32Array(MAX_PAIRS);
  /** Decoded parts of an encoded URI. */
  #scratch = Buffer.allocUnsafe(4096);
  #scratchView = viewOf(this.#scratch);
  #used = 0;
  /** What splitRequestUri writes into. */
  readonly #record: Record<string, unknown> = {};

  /**
   * Writes `,"path":...,"query":{...}` for the request_uri whose value is `source[start, end)`
   * (`view` a DataView of `source`). Returns false, having written nothing, when the parser
   * rejects the URI (malformed percent-encoding): the caller takes the reference path, which
   * records why.
   */
  write(out: JsonBytes, source: Buffer, view: DataView, start: number, end: number): boolean {
    const pairs = this.#split(source, start, end);
    if (pairs < 0) return this.#reference(out, source, start, end);
    const encoded = this.#encoded;
    if (encoded && end - start > this.#scratch.length) {
      this.#scratch = Buffer.allocUnsafe(2 * (end - start));
      this.#scratchView = viewOf(this.#scratch);
    }
    if (!this.#locate(source, pairs)) return this.#reference(out, source, start, end);
    this.#write(out, encoded ? this.#scratch : source, encoded ? this.#scratchView : view, pairs);
    return true;
  }

  /**
   * One pass over the URI: where the path ends and, in #raw, each query pair's start, first
   * `=` (or end) and end, split at `&` (empty pairs dropped) as splitRequestUri splits them;
   * #encoded when anything needs decoding (a `%`, or a `+` in the query). Returns the number
   * of pairs, or -1 for a URI left to splitRequestUri (non-ASCII, too many pairs).
   */
  #split(source: Buffer, start: number, end: number): number {
    let bits = 0;
    let encoded = false;
    let i = start;
    for (; i < end; i++) {
      const byte = source[i] as number;
      if (byte === QUESTION) break;
      bits |= byte;
      if (byte === PERCENT) encoded = true;
    }
    this.#pathStart = start;
    this.#pathEnd = i;
    const raw = this.#raw;
    let pairs = 0;
    let from = i + 1;
    let equals = -1;
    for (i = from; i <= end; i++) {
      const byte = i < end ? (source[i] as number) : AMPERSAND;
      if (byte === AMPERSAND) {
        if (i > from) {
          if (pairs === MAX_PAIRS) return -1;
          raw[3 * pairs] = from;
          raw[3 * pairs + 1] = equals < 0 ? i : equals;
          raw[3 * pairs + 2] = i;
          pairs++;
        }
        from = i + 1;
        equals = -1;
        continue;
      }
      bits |= byte;
      if (byte === EQUALS) {
        if (equals < 0) equals = i;
      } else if (byte === PERCENT || byte === PLUS) encoded = true;
    }
    this.#encoded = encoded;
    return bits < 0x80 ? pairs : -1;
  }

  /**
   * Fills #bounds with where the path, keys and values are: in `source`, or decoded into
   * #scratch when #encoded. Then finds repeated keys. False for anything left to
   * splitRequestUri: malformed encoding, an integer-like key.
   */
  #locate(source: Buffer, pairs: number): boolean {
    const encoded = this.#encoded;
    this.#used = 0;
    if (!this.#part(source, this.#pathStart, this.#pathEnd, encoded, false, 0)) return false;
    const raw = this.#raw;
    const bounds = this.#bounds;
    const parts = encoded ? this.#scratch : source;
    for (let p = 0; p < pairs; p++) {
      const keyEnd = raw[3 * p + 1] as number;
      const to = raw[3 * p + 2] as number;
      const at = 2 + 4 * p;
      if (!this.#part(source, raw[3 * p] as number, keyEnd, encoded, true, at)) return false;
      if (!this.#part(source, keyEnd < to ? keyEnd + 1 : to, to, encoded, true, at + 2)) return false;
      if (integerLike(parts, bounds[at] as number, bounds[at + 1] as number)) return false;
      this.#first[p] = firstWithKey(parts, bounds, p);
    }
    return true;
  }

  /**
   * Records where the part `source[from, to)` is, decoded into #scratch first when `encoded`
   * (as decodeURIComponent, after `+` became a space in the query). False when the encoding
   * is malformed or decodes to invalid UTF-8.
   */
  #part(source: Buffer, from: number, to: number, encoded: boolean, query: boolean, at: number): boolean {
    const bounds = this.#bounds;
    if (!encoded) {
      bounds[at] = from;
      bounds[at + 1] = to;
      return true;
    }
    const scratch = this.#scratch;
    const first = this.#used;
    let pos = first;
    let bits = 0;
    for (let i = from; i < to; i++) {
      const byte = source[i] as number;
      if (byte === PERCENT) {
        if (to - i < 3) return false;
        const high = HEX[source[i + 1] as number] as number;
        const low = HEX[source[i + 2] as number] as number;
        if (high < 0 || low < 0) return false;
        const decoded = (high << 4) | low;
        scratch[pos++] = decoded;
        bits |= decoded;
        i += 2;
      } else scratch[pos++] = query && byte === PLUS ? SPACE : byte;
    }
    this.#used = pos;
    bounds[at] = first;
    bounds[at + 1] = pos;
    return bits < 0x80 || isUtf8(scratch.subarray(first, pos));
  }

  #write(out: JsonBytes, parts: Buffer, view: DataView, pairs: number): void {
    const bounds = this.#bounds;
    out.raw(PATH);
    out.string(parts, view, bounds[0] as number, bounds[1] as number);
    out.raw(QUERY);
    out.byte(0x7b);
    const first = this.#first;
    for (let p = 0; p < pairs; p++) {
      if (first[p] !== p) continue;
      const at = 2 + 4 * p;
      if (p > 0) out.byte(0x2c);
      out.string(parts, view, bounds[at] as number, bounds[at + 1] as number);
      out.byte(0x3a);
      let repeat = p + 1;
      while (repeat < pairs && first[repeat] !== p) repeat++;
      if (repeat === pairs) {
        out.string(parts, view, bounds[at + 2] as number, bounds[at + 3] as number);
        continue;
      }
      // The key's values in order, where its first pair stands (as splitRequestUri builds the array).
      out.byte(0x5b);
      out.string(parts, view, bounds[at + 2] as number, bounds[at + 3] as number);
      for (let q = repeat; q < pairs; q++) {
        if (first[q] !== p) continue;
        out.byte(0x2c);
        out.string(parts, view, bounds[4 * q + 4] as number, bounds[4 * q + 5] as number);
      }
      out.byte(0x5d);
    }
    out.byte(0x7d);
  }

  /** The value decoded as the decoder does, split by splitRequestUri; false when it throws. */
  #reference(out: JsonBytes, source: Buffer, start: number, end: number): boolean {
    const split = this.#record;
    try {
      splitRequestUri(decodeUtf8(source, start, end), split);
    } catch (error) {
      if (error instanceof ParseError) return false;
      throw error;
    }
    out.raw(PATH);
    out.text(JSON.stringify(split.path));
    out.raw(QUERY);
    out.text(JSON.stringify(split.query));
    return true;
  }
}

/** Digits only: a JS object would order such a key before all others. */
function integerLike(parts: Buffer, start: number, end: number): boolean {
  if (start === end) return false;
  for (let i = start; i < end; i++) {
    const byte = parts[i] as number;
    if (byte < 0x30 || byte > 0x39) return false;
  }
  return true;
}

/** The first pair, up to `pair` itself, whose key (in #bounds) equals the key of `pair`. */
function firstWithKey(parts: Buffer, bounds: Int32Array, pair: number): number {
  const at = 2 + 4 * pair;
  const from = bounds[at] as number;
  const length = (bounds[at + 1] as number) - from;
  for (let p = 0; p < pair; p++) {
    const other = bounds[2 + 4 * p] as number;
    if ((bounds[3 + 4 * p] as number) - other !== length) continue;
    let same = true;
    for (let i = 0; i < length && same; i++) same = parts[other + i] === parts[from + i];
    if (same) return p;
  }
  return pair;
}
