// JsonBytes' spares: take() fills recycled memory, the smallest buffer a piece fits, and only the
// MAX_SPARES largest buffers given back are kept (the memory held for reuse stays bounded).

import { describe, expect, it } from 'vitest';
import { JsonBytes } from '../../../src/parse/json-bytes.js';

const KIB = 1024;

/** Writes `bytes` of text and takes them as a piece. */
function piece(out: JsonBytes, bytes: number): Buffer {
  out.text('x'.repeat(bytes));
  return out.take();
}

describe('JsonBytes spares', () => {
  it('fills the smallest recycled buffer a piece fits, keeps only the four largest, and then allocates again', () => {
    const out = new JsonBytes();
    const given = [10, 60, 20, 50, 30, 40].map((kib) => new ArrayBuffer(kib * KIB));
    for (const buffer of given) out.recycle(buffer);
    const pieces = [15, 25, 5, 5, 5].map((kib) => piece(out, kib * KIB));
    // 10 and 20 KiB were dropped for the four largest; each piece took the smallest that held it.
    expect(pieces.map((taken) => given.indexOf(taken.buffer as ArrayBuffer))).toEqual([4, 5, 3, 1, -1]);
    expect(pieces.map((taken) => taken.toString())).toEqual([15, 25, 5, 5, 5].map((kib) => 'x'.repeat(kib * KIB)));
  });
});
