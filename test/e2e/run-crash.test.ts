// A crash: kill -9 at some moment of a run, then restart with the same consumer group.
// At-least-once: every stored request_id reaches the sink. Duplicates are allowed only for
// records the group's checkpoint did not cover when the process died; a duplicate below that
// checkpoint would mean a checkpoint once vouched for records that were not durable.

import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { expectAtLeastOnce, expectDuplicatesNotCheckpointed } from '../helpers/delivery.js';
import { RunRig } from '../helpers/run-rig.js';
import { readSink, requestIds, waitForSinkLines } from '../helpers/sink-file.js';
import { storedRequestIds } from '../helpers/sls-readback.js';

// Two shards of ~20k logs: two PullLogs answers each, so a kill leaves work for the restart.
const LOGS = 40_000;

let rig: RunRig;
let stored: string[];

beforeAll(async () => {
  rig = await RunRig.start({ generate: LOGS, shards: 2 });
  stored = await storedRequestIds(rig.client, rig.logstore);
});
afterAll(() => rig.close());

/** Per case: its own consumer group; each run writes its own file (a killed run may end in a torn line). */
function scene(group: string, pipeline: Record<string, unknown>): { config: string; outputs: [string, string] } {
  const outputs: [string, string] = [rig.path(`${group}-1.ndjson`), rig.path(`${group}-2.ndjson`)];
  const config = rig.writeConfig({ source: { consumerGroup: group }, sink: { path: outputs[0] }, pipeline }, `${group}.yaml`);
  return { config, outputs };
}

async function killAndRestart(group: string, killWhen: (output: string) => Promise<unknown>, pipeline: Record<string, unknown> = {}): Promise<void> {
  const { config, outputs } = scene(group, pipeline);
  const first = rig.run(config);
  await killWhen(outputs[0]);
  first.child.kill('SIGKILL');
  expect(await first.exited).toBe('SIGKILL');
  expect(readSink(outputs[0]).length, 'killed before it had written everything').toBeLessThan(LOGS);
  // Read before the restart moves them: what the group vouched for when the process died.
  const checkpoints = await rig.client.getCheckpoints(rig.logstore, group);
  rig.emulator.setFaults('');

  const second = rig.run(config, ['--until', 'end', '--output', outputs[1]]);
  expect(await second.exited, second.stderr()).toBe(0);
  const lines = readSink(...outputs);
  expectAtLeastOnce(requestIds(lines), stored);
  expectDuplicatesNotCheckpointed(lines, checkpoints);
}

describe('sluice run: kill -9 and restart', () => {
  it('right after the first records are written: all arrive, duplicates only past the checkpoint', async () => {
    // As below: the rest stays unread however fast the run is.
    const killWhen = async (output: string): Promise<void> => {
      await waitForSinkLines(output, 1);
      rig.emulator.setFaults('PullLogs:503');
    };
    await killAndRestart('crash-early', killWhen, { queueCapacity: 1 });
  });

  it('mid-run, once checkpoints were committed: all arrive, duplicates only past the checkpoint', async () => {
    // With room for one record, a shard is pulled again only once everything pulled before is
    // written; PullLogs failing from the first written line on keeps the rest unread, however
    // fast the run is, while the first pulls are written and checkpointed.
    const killWhen = async (output: string): Promise<void> => {
      await waitForSinkLines(output, 1);
      rig.emulator.setFaults('PullLogs:503');
      await vi.waitFor(
        async () => {
          const checkpoints = await rig.client.getCheckpoints(rig.logstore, 'crash-mid');
          expect(checkpoints.some((c) => c.checkpoint !== '')).toBe(true);
        },
        { timeout: 10_000, interval: 50 },
      );
    };
    await killAndRestart('crash-mid', killWhen, { queueCapacity: 1 });
  });
});
