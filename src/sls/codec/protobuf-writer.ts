// The few protobuf writing primitives the LogGroup encoder needs, on a pre-sized Buffer.

import { latin1Write, utf8Write } from './native-buffer.js';

/** Bytes taken by `value` (an unsigned 32-bit integer) as a varint. */
export function varintSize(value: number): number {
  if (value < 0x80) return 1;
  if (value < 0x4000) return 2;
  if (value < 0x200000) return 3;
  if (value < 0x10000000) return 4;
  return 5;
}

/** Writes `value` (an unsigned 32-bit integer) as a varint at `pos`; returns the next position. */
export function writeVarint(out: Uint8Array, pos: number, value: number): number {
  while (value >= 0x80) {
    out[pos++] = (value & 0x7f) | 0x80;
    value >>>= 7;
  }
  out[pos++] = value;
  return pos;
}

export function writeFixed32(out: Uint8Array, pos: number, value: number): number {
  out[pos] = value & 0xff;
  out[pos + 1] = (value >>> 8) & 0xff;
  out[pos + 2] = (value >>> 16) & 0xff;
  out[pos + 3] = value >>> 24;
  return pos + 4;
}

/** ASCII strings up to this length are copied in JS; the call into C++ costs more (measured). */
const SHORT_STRING = 16;

/** UTF-8 size of a string or the size of raw bytes. */
export function byteSize(value: string | Uint8Array): number {
  return typeof value === 'string' ? Buffer.byteLength(value, 'utf8') : value.length;
}

/** Writes a value whose byteSize is `size` at `pos`; returns the next position. */
export function writeBytes(out: Buffer, pos: number, value: string | Uint8Array, size: number): number {
  if (typeof value !== 'string') {
    out.set(value, pos);
  } else if (size === value.length) {
    // As many bytes as UTF-16 units means every unit is ASCII, which latin1 writes as is.
    if (size <= SHORT_STRING) for (let i = 0; i < size; i++) out[pos + i] = value.charCodeAt(i);
    else latin1Write(out, value, pos, size);
  } else {
    utf8Write(out, value, pos, size);
  }
  return pos + size;
}
