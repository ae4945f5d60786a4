// A bounds-checked protobuf wire reader: the only place that turns bytes into varints, lengths
// and skipped fields, so every malformation is caught in one spot and reported with its offset.
//
// Every read takes the end of the enclosing message (`limit`), never just the end of the
// buffer: a nested length that overruns its parent is as corrupt as one that overruns the
// buffer, and checking it keeps hostile input from steering a read outside its message.

import { CorruptDataError } from '../errors.js';

export const WIRE_VARINT = 0;
export const WIRE_FIXED64 = 1;
export const WIRE_LENGTH_DELIMITED = 2;
export const WIRE_FIXED32 = 5;

/** The longest varint protobuf allows (a 64-bit value in 7-bit groups). */
const MAX_VARINT_BYTES = 10;

export class ProtoReader {
  readonly bytes: Uint8Array;
  /** Offset of the next byte to read. Public because it *is* the reader's interface, as in protobufjs. */
  pos: number;
  /** Names the message in errors, e.g. "LogGroupList". */
  readonly #what: string;
  /** Where the last tag began, so errors about a field point at the field, not past its tag. */
  #tagStart = 0;

  constructor(bytes: Uint8Array, what: string) {
    this.bytes = bytes;
    this.pos = 0;
    this.#what = what;
  }

  /** A field tag (field number << 3 | wire type). Field number 0 is never valid. */
  tag(limit: number): number {
    const start = this.pos;
    this.#tagStart = start;
    const tag = start < limit && (this.bytes[start] as number) < 0x80 ? (this.bytes[this.pos++] as number) : this.#strictUint32(limit, 'field tag');
    if (tag >>> 3 === 0) this.fail(`invalid field tag ${tag}`, start);
    return tag;
  }

  /** A varint of up to 10 bytes, reduced to its low 32 bits as an unsigned number (protobuf's uint32 rule). */
  uint32(limit: number): number {
    const bytes = this.bytes;
    const start = this.pos;
    let pos = start;
    let value = 0;
    for (let shift = 0; shift < 28; shift += 7) {
      if (pos >= limit) this.fail('varint runs past the end of its message', start);
      const byte = bytes[pos++] as number;
      value |= (byte & 0x7f) << shift;
      if (byte < 0x80) {
        this.pos = pos;
        return value >>> 0;
      }
    }
    if (pos >= limit) this.fail('varint runs past the end of its message', start);
    const fifth = bytes[pos++] as number;
    value = (value | (fifth << 28)) >>> 0;
    // Bytes 6..10 only carry bits above 32, which uint32 drops; they must still end in time.
    let byte = fifth;
    while (byte >= 0x80) {
      if (pos - start >= MAX_VARINT_BYTES) this.fail('varint longer than 10 bytes', start);
      if (pos >= limit) this.fail('varint runs past the end of its message', start);
      byte = bytes[pos++] as number;
    }
    this.pos = pos;
    return value;
  }

  /** A varint that must fit in 32 bits: a length or a tag, where dropping high bits would misread the data. */
  #strictUint32(limit: number, what: string): number {
    const start = this.pos;
    const value = this.uint32(limit);
    const size = this.pos - start;
    if (size > 5 || (size === 5 && (this.bytes[start + 4] as number) > 0x0f)) this.fail(`${what} does not fit in 32 bits`, start);
    return value;
  }

  /** Reads a length prefix and returns where the field's bytes end; they must fit inside `limit`. */
  lengthEnd(limit: number): number {
    const start = this.pos;
    const bytes = this.bytes;
    let length: number;
    if (start < limit && (bytes[start] as number) < 0x80) {
      length = bytes[start] as number;
      this.pos = start + 1;
    } else {
      length = this.#strictUint32(limit, 'length');
    }
    if (length > limit - this.pos) {
      this.fail(`length ${length} runs past the end of its message (${limit - this.pos} bytes left)`, start);
    }
    return this.pos + length;
  }

  /** A little-endian fixed32. */
  fixed32(limit: number): number {
    const pos = this.pos;
    if (limit - pos < 4) this.fail('fixed32 runs past the end of its message', pos);
    const bytes = this.bytes;
    this.pos = pos + 4;
    return ((bytes[pos] as number) | ((bytes[pos + 1] as number) << 8) | ((bytes[pos + 2] as number) << 16) | ((bytes[pos + 3] as number) << 24)) >>> 0;
  }

  /** Skips the value of a field this decoder does not know, by its wire type. */
  skip(tag: number, limit: number): void {
    const start = this.pos;
    switch (tag & 7) {
      case WIRE_VARINT:
        this.uint32(limit);
        return;
      case WIRE_FIXED64:
        if (limit - start < 8) this.fail('fixed64 runs past the end of its message', start);
        this.pos = start + 8;
        return;
      case WIRE_LENGTH_DELIMITED:
        this.pos = this.lengthEnd(limit);
        return;
      case WIRE_FIXED32:
        if (limit - start < 4) this.fail('fixed32 runs past the end of its message', start);
        this.pos = start + 4;
        return;
      default:
        // 3 and 4 are the deprecated groups, 6 and 7 do not exist: none occurs in SLS data.
        this.fail(`unsupported wire type ${tag & 7} (field ${tag >>> 3})`, this.#tagStart);
    }
  }

  fail(reason: string, offset: number = this.pos): never {
    throw new CorruptDataError(
      `${this.#what} is corrupt at byte ${offset}: ${reason}`,
      offset,
    );
  }
}
