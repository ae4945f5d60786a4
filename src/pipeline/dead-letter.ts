// What the pipeline needs from the dead-letter file (src/sinks/dead-letter.ts implements it):
// logs that could not become records are written there, durably, with the reason, and only
// then acked, so a checkpoint never passes a log that is neither in a sink nor there.

import type { RecordPosition } from '../parse/request-record.js';
import type { LogRecord } from '../sls/types.js';

export interface DeadLetterEntry {
  /** Why the log is not in the sink, e.g. `status "abc" is not an HTTP status`. */
  reason: string;
  position: RecordPosition;
  /** The log as read from SLS (empty for a batch that could not be decoded at all). */
  log: Pick<LogRecord, 'time' | 'timeNs' | 'topic' | 'source' | 'tags' | 'fields'>;
}

export interface DeadLetterWriter {
  /** Resolves once `entries` are durable; rejects with a SinkError. */
  write(entries: readonly DeadLetterEntry[], signal?: AbortSignal): Promise<void>;
}
