// NDJSON encoding of objects: the dead-letter file's lines, and the reference the transcoder
// (src/pipeline/batch-transcoder.ts, which writes the file and stdout sinks' lines straight
// from the pulled bytes) is tested against. One JSON.stringify per value, then one join and
// one Buffer.from for the whole batch: one allocation of bytes, never one per value.

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
