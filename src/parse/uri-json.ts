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
  /** The path, then per query pair its key and value: start and end of each, in #parts' buffer. */
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
    let mark = -1;
    let bits = 0;
    let encoded = false;
    for (let i = start; i < end; i++) {
      const byte = source[i] as number;
      bits |= byte;
      if (byte === QUESTION) {
        if (mark < 0) mark = i;
      } else if (byte === PERCENT || (byte === PLUS && mark >= 0)) encoded = true;
    }
    if (bits >= 0x80) return this.#reference(out, source, start, end);
    const pathEnd = mark < 0 ? end : mark;
    if (encoded && end - start > this.#scratch.length) {
      this.#scratch = Buffer.allocUnsafe(2 * (end - start));
      this.#scratchView = viewOf(this.#scratch);
    }
    this.#used = 0;
    const parts = encoded ? this.#scratch : source;
    const pairs = this.#splitUri(source, start, pathEnd, mark < 0 ? -1 : mark + 1, end, encoded);
    if (pairs < 0) return this.#reference(out, source, start, end);
    this.#write(out, parts, encoded ? this.#scratchView : view, pairs);
    return true;
  }

  /**
   * Fills #bounds with the path and the query's pairs, split at `&` and at each pair's first
   * `=` (empty pairs dropped), decoded into #scratch when `encoded`. Returns the number of
   * pairs, or -1 for anything left to splitRequestUri.
   */
  #splitUri(source: Buffer, start: number, pathEnd: number, queryStart: number, end: number, encoded: boolean): number {
    const bounds = this.#bounds;
    if (!this.#part(source, start, pathEnd, encoded, false, 0)) return -1;
    if (queryStart < 0) return 0;
    let pairs = 0;
    let from = queryStart;
    while (from <= end) {
      let to = from;
      while (to < end && source[to] !== AMPERSAND) to++;
      if (to > from) {
        if (pairs === MAX_PAIRS) return -1;
        let equals = from;
        while (equals < to && source[equals] !== EQUALS) equals++;
        const at = 2 + 4 * pairs;
        if (!this.#part(source, from, equals, encoded, true, at)) return -1;
        if (!this.#part(source, equals < to ? equals + 1 : to, to, encoded, true, at + 2)) return -1;
        const parts = encoded ? this.#scratch : source;
        if (integerLike(parts, bounds[at] as number, bounds[at + 1] as number)) return -1;
        this.#first[pairs] = firstWithKey(parts, bounds, pairs);
        pairs++;
      }
      from = to + 1;
    }
    return pairs;
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
