// What the emulator's building blocks answer, as "<status> <code>", for compact assertions.

import { SlsError } from '../../../src/sls/errors.js';

/** `"<status> <code>"` of the SlsError `action` throws, or undefined when it does not throw. */
export function codeOf(action: () => unknown): string | undefined {
  try {
    action();
  } catch (error) {
    if (error instanceof SlsError) return `${error.status} ${error.code}`;
    throw error;
  }
  return undefined;
}
