// What the pipeline needs from the dead-letter file (src/sinks/dead-letter.ts implements it):
// logs that could not become records, and records the sink refused for their data, are
// written there, durably, with the reason, and only then acked, so a checkpoint never passes
// a log that is neither in a sink nor there.

import type { DeadLetter, DeadLetterEntry, RefusedRecordEntry } from '../sinks/dead-letter.js';

// One definition, the file's; the pipeline names it here, next to the writer it is given to.
export type { DeadLetter, DeadLetterEntry, RefusedRecordEntry };

export interface DeadLetterWriter {
  /** Resolves once `entries` are durable; rejects with a SinkError. */
  write(entries: readonly DeadLetter[], signal?: AbortSignal): Promise<void>;
}
