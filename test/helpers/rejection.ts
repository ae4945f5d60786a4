// Catching the error a call must fail with, of the class it must be, so a test can look at
// its code and message, and fails clearly when the call succeeds instead. The per-class
// helpers (SinkError, SlsError, ConfigError) are this with the class filled in.

import { expect } from 'vitest';

/** The error of class `type` that `promise` rejects with. */
export async function rejectionOf<E extends Error>(promise: Promise<unknown>, type: abstract new (...args: never[]) => E): Promise<E> {
  const error = await promise.then(
    () => new Error(`expected a ${type.name}, but the call succeeded`),
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(type);
  return error as E;
}
