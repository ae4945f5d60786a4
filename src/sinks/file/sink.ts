// The file sink, sluice's default: records as NDJSON lines appended to one file, each commit
// durable (write + fdatasync) before it resolves, optionally rotated by size or age. The
// durable append itself lives in AppendFile, shared with the dead-letter file.

import type { Logger } from 'pino';
import type { NdjsonSink, SinkHealth } from '../sink.js';
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

export class FileSink implements NdjsonSink {
  readonly input = 'ndjson';
  readonly #file: AppendFile;

  constructor(options: FileSinkOptions) {
    this.#file = new AppendFile({ ...options, what: 'file sink', setting: 'sink.path' });
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
