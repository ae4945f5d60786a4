// Pause and resume through the admin endpoint: POST /pause and `sluice ctl pause` stop new
// PullLogs (the emulator sees none, the pulled counters stay put, heartbeats go on), records
// already pulled are still written, and POST /resume and `sluice ctl resume` pull again. Logs
// that arrive while paused are delivered after the resume, every one exactly once.

import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ExitCode } from '../../src/cli/exit-codes.js';
import { endpointOf, get, post, scrape, total } from '../helpers/admin-endpoint.js';
import { runCli } from '../helpers/cli.js';
import { expectExactlyOnce } from '../helpers/delivery.js';
import { RunRig } from '../helpers/run-rig.js';
import { readSink, requestIds, waitForSinkLines } from '../helpers/sink-file.js';
import { storedRequestIds } from '../helpers/sls-readback.js';

const LOGS = 10_000;
const ARRIVING = 4000;

let rig: RunRig;

beforeAll(async () => {
  rig = await RunRig.start({ generate: LOGS, shards: 2 });
});
afterAll(() => rig.close());

const calls = (name: string): number => rig.emulator.stats().calls[name] ?? 0;

/** Resolves once the emulator has received `n` more heartbeats than now: the test's clock, in heartbeat intervals. */
async function heartbeats(n: number): Promise<void> {
  const target = calls('Heartbeat') + n;
  await vi.waitFor(() => expect(calls('Heartbeat')).toBeGreaterThanOrEqual(target), { timeout: 5000, interval: 20 });
}

/** `sluice ctl <action> --address <address>`, which must succeed; resolves with what it printed. */
async function ctl(action: 'pause' | 'resume', address: string): Promise<string> {
  const result = await runCli(['ctl', action, '--address', address]);
  expect(result.code, result.stderr).toBe(ExitCode.Ok);
  return result.stdout;
}

describe('sluice run --listen: pause and resume', () => {
  it('POST /pause and `sluice ctl pause` stop pulling while records flow on; resuming delivers what arrived meanwhile, exactly once', { timeout: 60_000 }, async () => {
    const output = rig.path('requests.ndjson');
    const run = rig.run(rig.writeConfig(), ['--listen', '127.0.0.1:0']);
    const url = await endpointOf(run);
    const address = new URL(url).host;
    await waitForSinkLines(output, LOGS);
    const ways = [
      {
        pause: async () => expect(await post(url, '/pause')).toEqual({ status: 200, body: '{"paused":true}\n' }),
        resume: async () => expect(await post(url, '/resume')).toEqual({ status: 200, body: '{"paused":false}\n' }),
      },
      {
        pause: async () => expect(await ctl('pause', address)).toBe(`paused pulling of the sluice run at ${address}\n`),
        resume: async () => expect(await ctl('resume', address)).toBe(`resumed pulling of the sluice run at ${address}\n`),
      },
    ];
    let expected = LOGS;
    for (const way of ways) {
      await way.pause();
      // A pull sent just before the pause completes; let it, then count.
      await heartbeats(2);
      await rig.admin('POST', 'generate', { logs: ARRIVING });
      const pulls = calls('PullLogs');
      const { samples } = await scrape(url);
      await heartbeats(5);
      expect(calls('PullLogs'), 'PullLogs while paused').toBe(pulls);
      const paused = (await scrape(url)).samples;
      expect(total(paused, 'sluice_pulled_records_total')).toBe(total(samples, 'sluice_pulled_records_total'));
      expect(total(paused, 'sluice_paused')).toBe(1);
      // Paused is an operator's choice, not a fault: the run stays ready.
      expect((await get(url, '/readyz')).status).toBe(200);

      await way.resume();
      expected += ARRIVING;
      await waitForSinkLines(output, expected);
      expect(total((await scrape(url)).samples, 'sluice_paused')).toBe(0);
    }

    run.child.kill('SIGTERM');
    expect(await run.exited, run.stderr()).toBe(ExitCode.Ok);
    expectExactlyOnce(requestIds(readSink(output)), await storedRequestIds(rig.client, rig.logstore));
    const said = run.logs().map((line) => line.msg);
    expect(said).toContain('paused pulling (in-flight records still complete; POST /resume resumes)');
    expect(said).toContain('resumed pulling');
  });
});

describe('sluice ctl', () => {
  it(`ends with ${ExitCode.Unavailable} when no run listens at the address, saying what to check`, async () => {
    // A port that was free a moment ago: nothing listens there now.
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const { port } = probe.address() as { port: number };
    await new Promise((resolve) => probe.close(resolve));
    const result = await runCli(['ctl', 'pause', '--address', `127.0.0.1:${port}`]);
    expect(result.code).toBe(ExitCode.Unavailable);
    expect(result.stderr).toBe(
      `sluice: cannot reach the admin endpoint at 127.0.0.1:${port} (ECONNREFUSED): is \`sluice run\` running with --listen 127.0.0.1:${port}? (--address says where to call)\n`,
    );
  });

  it(`ends with ${ExitCode.Usage} for an action or an address it does not take`, async () => {
    const action = await runCli(['ctl', 'stop']);
    expect(action.code).toBe(ExitCode.Usage);
    expect(action.stderr).toMatch(/'stop' is invalid for argument 'action'. Allowed choices are pause, resume/);
    const address = await runCli(['ctl', 'pause', '--address', '9464']);
    expect(address.code).toBe(ExitCode.Usage);
    expect(address.stderr).toMatch(/expected HOST:PORT, e\.g\. 127\.0\.0\.1:9464/);
  });
});
