// NDJSON encoding of a batch, on the hot path of every file-like sink: one JSON.stringify per
// record, then one join and one Buffer.from for the whole batch, so a commit of many thousand
// records costs one allocation of bytes and one write call, never one per record.

import { SinkError } from './sink-error.js';

const EMPTY = Buffer.alloc(0);

/** The values as NDJSON: each `JSON.stringify(value)` followed by `\n`, in one Buffer. */
export function encodeNdjson(values: readonly object[]): Buffer {
  const count = values.length;
  if (count === 0) return EMPTY;
  // One slot more than there are values: the empty last one makes join() end the last line too.
  const lines = new Array<string>(count + 1);
  let index = 0;
  try {
    for (; index < count; index += 1) lines[index] = JSON.stringify(values[index]);
  } catch (error) {
    throw new SinkError({
      code: 'Unencodable',
      retryable: false,
      message: `record ${index} of the batch cannot be written as JSON (${(error as Error).message}); records must hold only JSON values`,
      cause: error,
    });
  }
  lines[count] = '';
  return Buffer.from(lines.join('\n'), 'utf8');
}
