// JSON text written as bytes, for the NDJSON transcoder. A string value is copied from the
// protobuf bytes it arrived in, escaped exactly as JSON.stringify escapes it, without ever
// becoming a JS string: `"`, `\` and the control characters below U+0020 are escaped (\b \t \n
// \f \r, the others as \u00XX in lower-case hex), everything else, non-ASCII included, is kept.

import { isUtf8 } from 'node:buffer';
import { utf8Write } from '../sls/codec/native-buffer.js';
import { decodeUtf8 } from '../sls/codec/utf8.js';

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const INITIAL_BYTES = 1 << 16;
/** Spares recycle() keeps: a batch's pieces, and the next batch's. */
const MAX_SPARES = 4;
/** A new piece's buffer over its bytes: room for the next pieces, which vary in size, to fit it as a spare. */
const PIECE_HEADROOM = 1.125;

/** The escape sequence of each byte below 0x20 (as JSON.stringify writes it). */
const CONTROL_ESCAPES: readonly Uint8Array[] = Array.from({ length: 0x20 }, (_, byte) =>
  Buffer.from(JSON.stringify(String.fromCharCode(byte)).slice(1, -1), 'latin1'),
);

/** A DataView of the bytes of `bytes`, for string()'s `view` (one per buffer, not per value). */
export function viewOf(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** Text that is already JSON (a key's `,"name":`), stored so that raw() copies it four bytes at a time. */
export interface JsonFragment {
  readonly length: number;
  /** The UTF-8 bytes, zero-padded to whole 32-bit words. */
  readonly words: DataView;
}

export function jsonFragment(json: string): JsonFragment {
  const bytes = Buffer.from(json, 'utf8');
  const padded = new Uint8Array(Math.ceil(bytes.length / 4) * 4);
  padded.set(bytes);
  return { length: bytes.length, words: viewOf(padded) };
}

/** Three ASCII digits per number below 1000, for the nanoseconds of a time. */
const DIGITS = Buffer.from(Array.from({ length: 1000 }, (_, n) => String(n).padStart(3, '0')).join(''), 'latin1');

export class JsonBytes {
  #buffer = Buffer.allocUnsafe(INITIAL_BYTES);
  /** Of #buffer: four bytes per step where whole words are copied. */
  #view = viewOf(this.#buffer);
  #pos = 0;
  /** Buffers given back by recycle(), for take() to fill next; smallest first. */
  readonly #spares: ArrayBuffer[] = [];

  /** Bytes written since the last take(): where a rewind() can return to. */
  get pos(): number {
    return this.#pos;
  }

  /** Drops what was written after `pos`. */
  rewind(pos: number): void {
    this.#pos = pos;
  }

  /**
   * Makes room for `bytes` more. The writers below do not check the room themselves (a check
   * per value would cost as much as a short copy): the caller reserves the worst case first,
   * 6 output bytes per input byte of a string, and 3 bytes more, which raw() may write past
   * its fragment (to be overwritten next). Only text() reserves its own room.
   */
  reserve(bytes: number): void {
    const needed = this.#pos + bytes;
    if (needed <= this.#buffer.length) return;
    const grown = Buffer.allocUnsafe(Math.max(needed, this.#buffer.length * 2));
    this.#buffer.copy(grown, 0, 0, this.#pos);
    this.#buffer = grown;
    this.#view = viewOf(grown);
  }

  /**
   * Everything written since the last take(), which starts the next piece, copied into a spare
   * (see recycle()) or a new buffer, with room for a somewhat larger piece when it comes back
   * as a spare. The piece starts an ArrayBuffer of its own (never Node's shared pool), so a
   * decode thread hands it over whole, by transfer.
   */
  take(): Buffer {
    const used = this.#pos;
    this.#pos = 0;
    const piece = this.#spareFor(used) ?? Buffer.allocUnsafeSlow(Math.ceil(used * PIECE_HEADROOM));
    this.#buffer.copy(piece, 0, 0, used);
    return piece.subarray(0, used);
  }

  /**
   * The memory of a piece take() handed out, now written and no longer read by anyone, to fill
   * again: a buffer reused is one less for the garbage collector to find (see README › Memory).
   * The largest MAX_SPARES are kept.
   */
  recycle(buffer: ArrayBuffer): void {
    this.#spares.push(buffer);
    this.#spares.sort((a, b) => a.byteLength - b.byteLength);
    if (this.#spares.length > MAX_SPARES) this.#spares.shift();
  }

  /** The smallest spare that holds `bytes` (the spares are kept smallest first), taken off the list. */
  #spareFor(bytes: number): Buffer | undefined {
    const index = this.#spares.findIndex((spare) => spare.byteLength >= bytes);
    return index < 0 ? undefined : Buffer.from(this.#spares.splice(index, 1)[0] as ArrayBuffer);
  }

  byte(value: number): void {
    this.#buffer[this.#pos++] = value;
  }

  /** Bytes that are already JSON, whole words at a time (the last may spill up to 3 bytes past them). */
  raw(fragment: JsonFragment): void {
    const out = this.#view;
    const words = fragment.words;
    const pos = this.#pos;
    for (let i = 0; i < fragment.length; i += 4) out.setInt32(pos + i, words.getInt32(i, true), true);
    this.#pos = pos + fragment.length;
  }

  /** `source[start, end)` unchanged (bytes known to need no escaping, e.g. status digits). */
  copy(source: Uint8Array, start: number, end: number): void {
    const out = this.#buffer;
    let pos = this.#pos;
    for (let i = start; i < end; i++) out[pos++] = source[i] as number;
    this.#pos = pos;
  }

  /** Text that is already JSON, written as UTF-8 (a record the reference path serialised). */
  text(json: string): void {
    this.reserve(json.length * 3);
    this.#pos += utf8Write(this.#buffer, json, this.#pos, json.length * 3);
  }

  /** A non-negative integer in decimal. */
  uint(value: number): void {
    if (value >= 10) this.uint(Math.floor(value / 10));
    this.#buffer[this.#pos++] = 48 + (value % 10);
  }

  /** `value` (below 1e9) as exactly nine digits, zero-padded: the nanoseconds of an ISO time. */
  nineDigits(value: number): void {
    const millions = Math.floor(value / 1e6);
    const thousands = Math.floor(value / 1e3) - millions * 1000;
    this.#threeDigits(millions);
    this.#threeDigits(thousands);
    this.#threeDigits(value - Math.floor(value / 1e3) * 1000);
  }

  #threeDigits(value: number): void {
    const out = this.#buffer;
    const pos = this.#pos;
    out[pos] = DIGITS[3 * value] as number;
    out[pos + 1] = DIGITS[3 * value + 1] as number;
    out[pos + 2] = DIGITS[3 * value + 2] as number;
    this.#pos = pos + 3;
  }

  /**
   * The JSON string of the value whose UTF-8 bytes are `source[start, end)`, as JSON.stringify
   * writes the string the decoder makes of them. Valid UTF-8 is copied; anything else (rare:
   * the decoder's lenient rules apply) is decoded and stringified the reference way. `view`
   * is a DataView of `source`'s bytes, read four bytes at a time (see plainWord()).
   */
  string(source: Buffer, view: DataView, start: number, end: number): void {
    const out = this.#buffer;
    const open = this.#pos;
    out[open] = QUOTE;
    let pos = open + 1;
    let bits = 0;
    let i = start;
    while (i < end) {
      if (end - i >= 4) {
        const word = view.getInt32(i, true);
        if (plainWord(word)) {
          this.#view.setInt32(pos, word, true);
          pos += 4;
          i += 4;
          continue;
        }
      }
      const byte = source[i++] as number;
      if (byte >= 0x20 && byte !== QUOTE && byte !== BACKSLASH) {
        out[pos++] = byte;
        bits |= byte;
      } else if (byte >= 0x20) {
        out[pos++] = BACKSLASH;
        out[pos++] = byte;
      } else {
        const escape = CONTROL_ESCAPES[byte] as Uint8Array;
        for (let e = 0; e < escape.length; e++) out[pos++] = escape[e] as number;
      }
    }
    out[pos++] = QUOTE;
    this.#pos = pos;
    if (bits >= 0x80 && !isUtf8(source.subarray(start, end))) {
      this.#pos = open;
      this.text(JSON.stringify(decodeUtf8(source, start, end)));
    }
  }
}

/**
 * Whether none of the four bytes of `word` needs escaping or is non-ASCII, tested on all four
 * at once (the classic "has a byte less than n" bit tricks): four bytes copied per step is
 * what makes copying values cheaper than decoding them to strings.
 */
function plainWord(word: number): boolean {
  const quote = word ^ 0x22222222;
  const backslash = word ^ 0x5c5c5c5c;
  return ((((word - 0x20202020) & ~word) | ((quote - 0x01010101) & ~quote) | ((backslash - 0x01010101) & ~backslash) | word) & 0x80808080) === 0;
}
