// The drain deadline: a sink that never finishes a write (a FIFO nobody reads: a write
// cannot complete once the pipe's buffer is full) cannot be drained. SIGTERM then ends the process
// with the documented code once --drain-timeout has passed, and a second signal ends it at
// once; either way the group's checkpoints cover nothing, since nothing reached the sink.

import { execFileSync } from 'node:child_process';
import { closeSync, constants, openSync, readSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ExitCode } from '../../src/cli/exit-codes.js';
import { exitWithin, type CliProcess } from '../helpers/cli.js';
import { RunRig } from '../helpers/run-rig.js';

let rig: RunRig;
const readers: number[] = [];

beforeAll(async () => {
  rig = await RunRig.start({ generate: 20_000 });
});
afterAll(() => rig.close());
afterEach(() => {
  for (const fd of readers.splice(0)) closeSync(fd);
});

/** A FIFO held open for reading by the test, so the sink can open it; returns its path and the read end. */
function stuckSink(name: string): { path: string; fd: number } {
  const path = rig.path(name);
  execFileSync('mkfifo', [path]);
  const fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  readers.push(fd);
  return { path, fd };
}

/** Whether anything has been written into the FIFO: takes one byte if so (EAGAIN: nothing yet; 0: no writer yet). */
function sinkStarted(fd: number): boolean {
  try {
    return readSync(fd, Buffer.alloc(1)) > 0;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EAGAIN') return false;
    throw error;
  }
}

/**
 * Starts a run into a sink that never finishes a commit. Resolves once the first commit has
 * begun writing; the test reads that one byte and nothing more. A commit carries thousands of
 * records (MBs), far beyond the pipe's 64 KiB, so it cannot complete.
 */
async function stuckRun(group: string, drainTimeout: string): Promise<CliProcess> {
  const sink = stuckSink(`${group}.fifo`);
  const config = rig.writeConfig({ source: { consumerGroup: group }, sink: { path: sink.path }, pipeline: { drainTimeout } }, `${group}.yaml`);
  const run = rig.run(config);
  await expect.poll(() => sinkStarted(sink.fd), { timeout: 10_000, interval: 20 }).toBe(true);
  return run;
}

async function expectNothingCheckpointed(group: string): Promise<void> {
  const begins = await Promise.all([0, 1, 2, 3].map((shard) => rig.client.getCursor(rig.logstore, shard, 'begin')));
  for (const { shard, checkpoint } of await rig.client.getCheckpoints(rig.logstore, group)) {
    expect(['', begins[shard]], `shard ${shard}`).toContain(checkpoint);
  }
}

describe('sluice run: a drain that cannot finish', () => {
  it(`exits ${ExitCode.Interrupted} once --drain-timeout has passed, checkpointing nothing unwritten`, async () => {
    const run = await stuckRun('deadline', '2s');
    const signalled = performance.now();
    run.child.kill('SIGTERM');
    expect(await exitWithin(run, 2000 + 3000), run.stderr()).toBe(ExitCode.Interrupted);
    // It did wait for the drain first.
    expect(performance.now() - signalled).toBeGreaterThanOrEqual(1900);
    await expectNothingCheckpointed('deadline');
  });

  it(`exits ${ExitCode.Interrupted} at once on a second signal`, async () => {
    const run = await stuckRun('second-signal', '30s');
    run.child.kill('SIGTERM');
    await run.waitForLog((line) => /drain/i.test(line.msg ?? ''));
    run.child.kill('SIGTERM');
    expect(await exitWithin(run, 3000), run.stderr()).toBe(ExitCode.Interrupted);
    await expectNothingCheckpointed('second-signal');
  });
});
