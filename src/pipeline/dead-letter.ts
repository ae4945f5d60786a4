// What the pipeline needs from the dead-letter file (src/sinks/dead-letter.ts implements it):
// logs that could not become records are written there, durably, with the reason, and only
// then acked, so a checkpoint never passes a log that is neither in a sink nor there.

import type { DeadLetterEntry } from '../sinks/dead-letter.js';

// One definition, the file's; the pipeline names it here, next to the writer it is given to.
export type { DeadLetterEntry };

export interface DeadLetterWriter {
  /** Resolves once `entries` are durable; rejects with a SinkError. */
  write(entries: readonly DeadLetterEntry[], signal?: AbortSignal): Promise<void>;
}
