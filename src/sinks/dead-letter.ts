// The dead-letter file: records that could not be parsed or written, with the reason and
// where they came from, as NDJSON. Writing one is how a bad record is acked without being
// lost, so its writes are as durable as the file sink's (the same AppendFile underneath).

import type { Logger } from 'pino';
import type { RecordPosition, RequestRecord } from '../parse/request-record.js';
import type { LogRecord } from '../sls/types.js';
import { AppendFile, type FileIo } from './file/append-file.js';
import type { FileRole } from './file/fs-error.js';
import { checkAppendPath } from './file/path-check.js';
import { encodeNdjson } from './ndjson.js';
import type { SinkHealth } from './sink.js';

/** A log that could not become a record: why, where it was read, and the SLS log as it arrived. */
export interface DeadLetterEntry {
  /** Why the log is not in the sink, e.g. `status "abc" is not an HTTP status`. */
  reason: string;
  position: RecordPosition;
  /**
   * The log as read from SLS (empty for a batch that could not be decoded at all); its group
   * index is left out, as `position` already says where it was read.
   */
  log: Omit<LogRecord, 'group'>;
}

/** A record the sink refused for its data (a value the table rejects), set aside so the rest of its commit could be written. */
export interface RefusedRecordEntry {
  /** The sink's message, e.g. the database's `invalid input syntax for type integer`. */
  reason: string;
  position: RecordPosition;
  /** The record as the sink was given it. */
  record: RequestRecord;
}

/** A line of the dead-letter file: a log that failed to parse, or a record the sink refused. */
export type DeadLetter = DeadLetterEntry | RefusedRecordEntry;

const ROLE: FileRole = { what: 'dead-letter file', setting: 'deadLetter.path' };

/** Checks, creating nothing, that the dead-letter file at `path` can be opened (for `sluice validate`). */
export function checkDeadLetterPath(path: string): Promise<string> {
  return checkAppendPath(path, ROLE);
}

export interface DeadLetterFileOptions {
  path: string;
  log: Logger;
  /** Clock for each line's `at` (ms since the epoch); default Date.now. */
  now?: () => number;
  /** Test seam for failing writes; see AppendFile. */
  io?: Partial<FileIo>;
}

export class DeadLetterFile {
  readonly #file: AppendFile;
  readonly #now: () => number;

  constructor(options: DeadLetterFileOptions) {
    this.#file = new AppendFile({ ...options, ...ROLE });
    this.#now = options.now ?? Date.now;
  }

  /** Creates missing directories and opens the file for appending. */
  open(): Promise<void> {
    return this.#file.open();
  }

  /**
   * Appends one line per entry, `{"at", "reason", "shard", "cursor", "index"}` and then `"log"`
   * or `"record"`, and resolves once they are on disk (write + fdatasync); only then may the
   * records be acked.
   */
  async write(entries: readonly DeadLetter[], signal?: AbortSignal): Promise<void> {
    const at = new Date(this.#now()).toISOString();
    const lines = entries.map(({ reason, position, ...content }) => ({
      at,
      reason,
      shard: position.shard,
      cursor: position.cursor,
      index: position.index,
      ...content,
    }));
    return this.#file.append([encodeNdjson(lines)], signal);
  }

  /** Closes the file after the writes already asked for; idempotent, fine without open(). */
  close(): Promise<void> {
    return this.#file.close();
  }

  health(): SinkHealth {
    return this.#file.health();
  }
}
