// Catching the SlsError a call must fail with, so a test can look at its code, status,
// retry verdict and message (and fail clearly when the call succeeds instead).

import { expect } from 'vitest';
import { SlsError } from '../../src/sls/errors.js';
import { rejectionOf } from './rejection.js';

/** The SlsError `promise` rejects with. */
export function rejection(promise: Promise<unknown>): Promise<SlsError> {
  return rejectionOf(promise, SlsError);
}

/** The SlsError `run` throws. */
export function thrown(run: () => unknown): SlsError {
  let error: unknown = new Error('expected an error, but the call returned');
  try {
    run();
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(SlsError);
  return error as SlsError;
}
