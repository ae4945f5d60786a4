// The file sink, sluice's default: records as NDJSON lines appended to one file, each commit
// durable (write + fdatasync) before it resolves, optionally rotated by size or age. The
// durable append itself lives in AppendFile, shared with the dead-letter file.

import type { Logger } from 'pino';
import type { NdjsonSink, SinkHealth } from '../sink.js';
import { AppendFile, type FileIo } from './append-file.js';
import type { FileRole } from './fs-error.js';
import type { RotationPolicy } from './rotation.js';

/** How messages name the file sink's file, and the key that sets its path. */
export const FILE_SINK_ROLE: FileRole = { what: 'file sink', setting: 'sink.path' };

export interface FileSinkOptions {
  path: string;
  rotate?: RotationPolicy;
  log: Logger;
  /** Clock for rotation (ms since the epoch); default Date.now. */
  now?: () => number;
  /** Test seam for failing writes; see AppendFile. */
  io?: Partial<FileIo>;
}

export class FileSink implements NdjsonSink {
  readonly input = 'ndjson';
  readonly #file: AppendFile;

  constructor(options: FileSinkOptions) {
    this.#file = new AppendFile({ ...options, ...FILE_SINK_ROLE });
  }

  open(): Promise<void> {
    return this.#file.open();
  }

  write(ndjson: readonly Buffer[], signal?: AbortSignal): Promise<void> {
    return this.#file.append(ndjson, signal);
  }

  close(): Promise<void> {
    return this.#file.close();
  }

  health(): SinkHealth {
    return this.#file.health();
  }
}
