// Graceful drain, as an operator stops sluice: SIGTERM lands at different moments of a run,
// the process exits 0, and a restart with the same consumer group (`--until end`) delivers
// the rest. Across both runs every stored request_id is in the sink exactly once: the drain
// wrote and checkpointed everything it had pulled, and nothing beyond it.

import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { expectExactlyOnce } from '../helpers/delivery.js';
import { RunRig, type ConfigOverrides } from '../helpers/run-rig.js';
import { countLines, readSink, requestIds, waitForSinkLines } from '../helpers/sink-file.js';
import { storedRequestIds } from '../helpers/sls-readback.js';

// Two shards of ~18k logs: two PullLogs answers each (an answer is capped at 8 MiB, ~15k
// logs), so a first run that is stopped early leaves data for the restart.
const SHARDS = 2;
const LOGS = 36_000;

let rig: RunRig;
let stored: string[];

beforeAll(async () => {
  rig = await RunRig.start({ generate: LOGS, shards: SHARDS });
  stored = await storedRequestIds(rig.client, rig.logstore);
});
afterAll(() => rig.close());
afterEach(() => rig.emulator.setFaults(''));

/** Each case reads with its own consumer group into its own file: the cases share the emulator's data. */
function scene(name: string, overrides: ConfigOverrides = {}): { config: string; output: string } {
  const output = rig.path(`${name}.ndjson`);
  const config = rig.writeConfig(
    { ...overrides, source: { consumerGroup: name, ...overrides.source }, sink: { path: output, ...overrides.sink } },
    `${name}.yaml`,
  );
  return { config, output };
}

/** Restarts with the same group until every shard's end; the sink must then hold every log once. */
async function expectRestartCompletes(config: string, output: string): Promise<void> {
  const rest = rig.run(config, ['--until', 'end']);
  expect(await rest.exited, rest.stderr()).toBe(0);
  expectExactlyOnce(requestIds(readSink(output)), stored);
}

describe('sluice run: SIGTERM drains, exits 0, and a restart delivers the rest exactly once', () => {
  it('right after start, while the first PullLogs requests are in flight', async () => {
    const { config, output } = scene('mid-pull');
    // Every answer is held back 500 ms: once the emulator has received a pull for each shard,
    // those pulls are still unanswered when the signal lands.
    rig.emulator.setFaults('PullLogs:latency=500ms');
    const pullsBefore = rig.emulator.stats().calls.PullLogs ?? 0;
    const first = rig.run(config);
    await vi.waitFor(() => expect(rig.emulator.stats().calls.PullLogs ?? 0).toBeGreaterThanOrEqual(pullsBefore + SHARDS), {
      timeout: 10_000,
      interval: 10,
    });
    first.child.kill('SIGTERM');
    expect(await first.exited, first.stderr()).toBe(0);
    expect(countLines(output)).toBeLessThan(LOGS);

    rig.emulator.setFaults('');
    await expectRestartCompletes(config, output);
  });

  it('with the queue full', async () => {
    const capacity = 500;
    const { config, output } = scene('queue-full', { pipeline: { queueCapacity: capacity } });
    const first = rig.run(config);
    await waitForSinkLines(output, 1);
    // One PullLogs answer is ~15k records, 30 times the capacity: from the first answer until
    // its records are written the queue is over capacity and every puller is waiting for room.
    const backlog = rig.emulator.stats().pulledLogs - countLines(output);
    first.child.kill('SIGTERM');
    expect(backlog).toBeGreaterThan(capacity);
    expect(await first.exited, first.stderr()).toBe(0);

    await expectRestartCompletes(config, output);
  });

  it('while the sink commits', async () => {
    // Commits of up to 20k records (~12 MB written and fdatasync'd each, tens of ms) keep the
    // sink busy most of the run; the signal lands right after the first commit, as the next
    // ones run. (Precisely mid-commit is covered in-process, against a sink that blocks.)
    const { config, output } = scene('mid-commit', {
      pipeline: { batch: { maxRecords: 20_000, maxBytes: '64MiB', linger: '50ms' } },
    });
    const first = rig.run(config);
    await waitForSinkLines(output, 1);
    first.child.kill('SIGTERM');
    expect(await first.exited, first.stderr()).toBe(0);

    await expectRestartCompletes(config, output);
  });
});
