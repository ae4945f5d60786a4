// Which records of a commit does the sink refuse? A database that rejects one value rejects the
// whole transaction, and its message does not always say which record. So the commit is
// bisected: each half is written on its own, a half refused again is split again, and a record
// refused on its own is the culprit. Every other record is written exactly once; k bad records
// among n cost about 2k·log2(n) writes, and a clean half costs one.
//
// The halves are written one after the other, in the slot of the commit they came from: a
// split is rare, and writing them in parallel would take connections other commits wait for.

import { REJECTED_DATA, SinkError } from '../sinks/sink-error.js';

/** An item the sink refused on its own: its index in the commit, and the sink's error. */
export interface Refused {
  index: number;
  error: SinkError;
}

/** Whether `error` blames the data of the batch rather than the sink (see REJECTED_DATA). */
export function rejectsData(error: unknown): error is SinkError {
  return error instanceof SinkError && error.code === REJECTED_DATA;
}

/**
 * Writes in parts the `items` that `write` refused as a whole with `refusal` (a REJECTED_DATA
 * error), and returns those refused on their own, in order; every other item is written once.
 * Rejects with any other failure of `write`, which retries transient ones itself.
 */
export async function splitRefused<T>(items: readonly T[], refusal: SinkError, write: (part: readonly T[]) => Promise<void>): Promise<Refused[]> {
  const refused: Refused[] = [];
  const bisect = async (from: number, to: number, error: SinkError): Promise<void> => {
    if (to - from === 1) {
      refused.push({ index: from, error });
      return;
    }
    const middle = from + Math.ceil((to - from) / 2);
    for (const [start, end] of [[from, middle], [middle, to]] as const) {
      try {
        await write(items.slice(start, end));
      } catch (thrown) {
        if (!rejectsData(thrown)) throw thrown;
        await bisect(start, end, thrown);
      }
    }
  };
  // Halves of two or more items are never empty: only an empty commit could recurse forever.
  if (items.length > 0) await bisect(0, items.length, refusal);
  return refused;
}
