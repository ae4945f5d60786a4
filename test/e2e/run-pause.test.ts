// Pause and resume at run time: SIGUSR2 stops new PullLogs (in-flight work completes and
// the heartbeat keeps the shards), the next SIGUSR2 resumes. Nothing is lost or duplicated.

import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { expectExactlyOnce } from '../helpers/delivery.js';
import type { LogLine } from '../helpers/cli.js';
import { RunRig } from '../helpers/run-rig.js';
import { readSink, requestIds, waitForSinkLines } from '../helpers/sink-file.js';
import { storedRequestIds } from '../helpers/sls-readback.js';

let rig: RunRig;

beforeAll(async () => {
  rig = await RunRig.start({ generate: 40_000, shards: 2 });
});
afterAll(() => rig.close());

const calls = (name: string): number => rig.emulator.stats().calls[name] ?? 0;
const says = (pattern: RegExp) => (line: LogLine) => pattern.test(line.msg ?? '');

/** Resolves once the emulator has received `n` more heartbeats than now: the test's clock, in heartbeat intervals. */
async function heartbeats(n: number): Promise<void> {
  const target = calls('Heartbeat') + n;
  await vi.waitFor(() => expect(calls('Heartbeat')).toBeGreaterThanOrEqual(target), { timeout: 5000, interval: 20 });
}

describe('sluice run: SIGUSR2 pauses and resumes pulling', () => {
  it('no PullLogs while paused, heartbeats go on; after resume and a drain, a restart completes exactly once', async () => {
    const stored = await storedRequestIds(rig.client, rig.logstore);
    const output = rig.path('requests.ndjson');
    const config = rig.writeConfig();
    // Slow answers, so the pause lands while most of the data is still to be pulled.
    rig.emulator.setFaults('PullLogs:latency=200ms');
    const run = rig.run(config);
    await waitForSinkLines(output, 1);

    run.child.kill('SIGUSR2');
    await run.waitForLog(says(/paused/));
    // A pull already sent when the pause came completes; let it, then count.
    await heartbeats(2);
    const pullsWhenPaused = calls('PullLogs');
    await heartbeats(5);
    expect(calls('PullLogs')).toBe(pullsWhenPaused);

    run.child.kill('SIGUSR2');
    await run.waitForLog(says(/resumed/));
    await vi.waitFor(() => expect(calls('PullLogs')).toBeGreaterThan(pullsWhenPaused), { timeout: 5000, interval: 20 });

    run.child.kill('SIGTERM');
    expect(await run.exited, run.stderr()).toBe(0);
    rig.emulator.setFaults('');
    const rest = rig.run(config, ['--until', 'end']);
    expect(await rest.exited, rest.stderr()).toBe(0);
    expectExactlyOnce(requestIds(readSink(output)), stored);
  });
});
