// Content keys repeat on every log ("status", "request_uri", ...). Decoding them afresh would cost
// a string allocation per key, and V8 would then look each new string up in its table of
// property names when the key is stored in an object. This cache hands back one internalized
// string per distinct key, found by hashing and comparing the key's bytes.

import { decodeUtf8 } from './utf8.js';

const TABLE_BITS = 10;
const TABLE_SIZE = 1 << TABLE_BITS;
/** Longer keys are rare and are simply decoded; this bounds the cache at 64 KiB of bytes. */
const MAX_KEY_BYTES = 64;

export class KeyInterner {
  /** Direct-mapped: a colliding key replaces the previous one, so the table never grows. */
  readonly #strings: string[] = new Array<string>(TABLE_SIZE).fill('');
  readonly #lengths = new Int32Array(TABLE_SIZE).fill(-1);
  readonly #bytes = new Uint8Array(TABLE_SIZE * MAX_KEY_BYTES);

  intern(buffer: Buffer, start: number, end: number): string {
    const length = end - start;
    if (length > MAX_KEY_BYTES) return decodeUtf8(buffer, start, end);
    let hash = 0x811c9dc5 ^ length;
    for (let i = start; i < end; i++) hash = Math.imul(hash ^ (buffer[i] as number), 0x01000193);
    const slot = hash >>> (32 - TABLE_BITS);
    const stored = slot * MAX_KEY_BYTES;
    if (this.#lengths[slot] === length && this.#sameBytes(buffer, start, length, stored)) return this.#strings[slot] as string;
    const key = internalized(decodeUtf8(buffer, start, end));
    this.#bytes.set(buffer.subarray(start, end), stored);
    this.#lengths[slot] = length;
    this.#strings[slot] = key;
    return key;
  }

  #sameBytes(buffer: Buffer, start: number, length: number, stored: number): boolean {
    const bytes = this.#bytes;
    for (let i = 0; i < length; i++) if (bytes[stored + i] !== buffer[start + i]) return false;
    return true;
  }
}

/** The engine's own copy of `key`, as property names use it (saves a lookup per later use). */
function internalized(key: string): string {
  return Object.keys({ [key]: 0 })[0] ?? key;
}
