// A file sink that never finishes a commit: a FIFO the test holds open for reading and never
// drains. A commit carries thousands of records (MBs), far beyond a pipe's 64 KiB, so once the
// first one starts writing, nothing more is ever acked: a drain waits on it for as long as
// the test wants.

import { execFileSync } from 'node:child_process';
import { closeSync, constants, openSync, readSync } from 'node:fs';
import { expect, onTestFinished } from 'vitest';
import type { CliProcess } from './cli.js';
import type { RunRig } from './run-rig.js';

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

/**
 * Starts `sluice run` (with `flags`) in consumer group `group` into a StuckSink, closed when the
 * test finishes; resolves once the first commit has begun writing, so the drain cannot finish.
 */
export async function stuckRun(rig: RunRig, group: string, drainTimeout: string, flags: readonly string[] = []): Promise<CliProcess> {
  const sink = new StuckSink(rig.path(`${group}.fifo`));
  onTestFinished(() => sink.close());
  const config = rig.writeConfig({ source: { consumerGroup: group }, sink: { path: sink.path }, pipeline: { drainTimeout } }, `${group}.yaml`);
  const run = rig.run(config, flags);
  await expect.poll(() => sink.started(), { timeout: 10_000, interval: 20 }).toBe(true);
  return run;
}
