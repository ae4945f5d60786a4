// The file sink, sluice's default: records as NDJSON lines appended to one file, each commit
// durable (write + fdatasync) before it resolves, optionally rotated by size or age. The
// durable append itself lives in AppendFile, shared with the dead-letter file.

import type { Logger } from 'pino';
import type { RequestRecord } from '../../parse/request-record.js';
import { encodeNdjson } from '../ndjson.js';
import type { Sink, SinkHealth } from '../sink.js';
import { AppendFile, type FileIo } from './append-file.js';
import type { RotationPolicy } from './rotation.js';

export interface FileSinkOptions {
  path: string;
  rotate?: RotationPolicy;
  log: Logger;
  /** Clock for rotation (ms since the epoch); default Date.now. */
  now?: () => number;
  /** Test seam for failing writes; see AppendFile. */
  io?: Partial<FileIo>;
}

export class FileSink implements Sink {
  readonly #file: AppendFile;

  constructor(options: FileSinkOptions) {
    this.#file = new AppendFile({ ...options, what: 'file sink', setting: 'sink.path' });
  }

  open(): Promise<void> {
    return this.#file.open();
  }

  async write(batch: readonly RequestRecord[], signal?: AbortSignal): Promise<void> {
    // Encoded before the append queues, so encoding this batch overlaps the previous fdatasync.
    return this.#file.append(encodeNdjson(batch), signal);
  }

  close(): Promise<void> {
    return this.#file.close();
  }

  health(): SinkHealth {
    return this.#file.health();
  }
}
