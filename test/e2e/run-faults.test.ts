// An unreliable SLS: every kind of call fails now and then with a 5xx, a 403 quota error
// (throttling) or a connection reset. sluice retries each with backoff, heartbeat and
// checkpoint calls included, and a `--until end` run still completes with every record once.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectExactlyOnce } from '../helpers/delivery.js';
import { RunRig } from '../helpers/run-rig.js';
import { readSink, requestIds } from '../helpers/sink-file.js';
import { storedRequestIds } from '../helpers/sls-readback.js';

let rig: RunRig;

beforeAll(async () => {
  rig = await RunRig.start({ generate: 60_000 });
});
afterAll(() => rig.close());

describe('sluice run against a faulty SLS', () => {
  it('10% 5xx, 5% throttling and 5% connection resets on every call: exit 0, every record exactly once', async () => {
    // Read the truth before the faults: the test's own client does not retry.
    const stored = await storedRequestIds(rig.client, rig.logstore);
    rig.emulator.setFaults('*:500=5%,*:503=5%,*:403=5%,*:reset=5%,seed=3');

    const run = rig.run(rig.writeConfig(), ['--until', 'end']);
    expect(await run.exited, run.stderr()).toBe(0);
    const faults = rig.emulator.stats().faults;
    rig.emulator.setFaults('');

    expectExactlyOnce(requestIds(readSink(rig.path('requests.ndjson'))), stored);
    // The run did meet faults (a fifth of its calls, drawn at random).
    expect(Object.values(faults).reduce((sum, n) => sum + n, 0)).toBeGreaterThan(3);
  });
});
