// A file sink that never finishes a commit: a FIFO the test holds open for reading and never
// drains. A commit carries thousands of records (MBs), far beyond a pipe's 64 KiB, so once the
// first one starts writing, nothing more is ever acked: a drain waits on it for as long as
// the test wants.

import { execFileSync } from 'node:child_process';
import { closeSync, constants, openSync, readSync } from 'node:fs';

export class StuckSink {
  readonly path: string;
  readonly #fd: number;

  /** Makes the FIFO at `path` and opens its read end (without it, the sink could not open the FIFO for writing). */
  constructor(path: string) {
    execFileSync('mkfifo', [path]);
    this.path = path;
    this.#fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  }

  /** Whether a commit has started writing: takes one byte if so (EAGAIN: nothing yet; 0: no writer yet). */
  started(): boolean {
    try {
      return readSync(this.#fd, Buffer.alloc(1)) > 0;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EAGAIN') return false;
      throw error;
    }
  }

  close(): void {
    closeSync(this.#fd);
  }
}
