import { expect } from 'vitest';

/** Byte equality without toEqual's slow walk over large arrays (and its Buffer/Uint8Array distinction). */
export function expectSameBytes(actual: Uint8Array, expected: Uint8Array): void {
  expect(actual.length).toBe(expected.length);
  expect(Buffer.compare(actual, expected)).toBe(0);
}
