// The drain deadline: a sink that never finishes a write (a FIFO nobody reads: a write
// cannot complete once the pipe's buffer is full) cannot be drained. SIGTERM then ends the process
// with the documented code once --drain-timeout has passed, and a second signal ends it at
// once; either way the group's checkpoints cover nothing, since nothing reached the sink.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExitCode } from '../../src/cli/exit-codes.js';
import { exitWithin } from '../helpers/cli.js';
import { RunRig } from '../helpers/run-rig.js';
import { stuckRun } from '../helpers/stuck-sink.js';

let rig: RunRig;

beforeAll(async () => {
  rig = await RunRig.start({ generate: 20_000 });
});
afterAll(() => rig.close());

async function expectNothingCheckpointed(group: string): Promise<void> {
  const begins = await Promise.all([0, 1, 2, 3].map((shard) => rig.client.getCursor(rig.logstore, shard, 'begin')));
  for (const { shard, checkpoint } of await rig.client.getCheckpoints(rig.logstore, group)) {
    expect(['', begins[shard]], `shard ${shard}`).toContain(checkpoint);
  }
}

describe('sluice run: a drain that cannot finish', () => {
  it(`exits ${ExitCode.Interrupted} once --drain-timeout has passed, checkpointing nothing unwritten`, async () => {
    const run = await stuckRun(rig, 'deadline', '2s');
    const signalled = performance.now();
    run.child.kill('SIGTERM');
    expect(await exitWithin(run, 2000 + 3000), run.stderr()).toBe(ExitCode.Interrupted);
    // It did wait for the drain first.
    expect(performance.now() - signalled).toBeGreaterThanOrEqual(1900);
    await expectNothingCheckpointed('deadline');
  });

  it(`exits ${ExitCode.Interrupted} at once on a second signal`, async () => {
    const run = await stuckRun(rig, 'second-signal', '30s');
    run.child.kill('SIGTERM');
    await run.waitForLog((line) => /drain/i.test(line.msg ?? ''));
    run.child.kill('SIGTERM');
    expect(await exitWithin(run, 3000), run.stderr()).toBe(ExitCode.Interrupted);
    await expectNothingCheckpointed('second-signal');
  });
});
