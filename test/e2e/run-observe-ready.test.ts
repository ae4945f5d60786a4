// `/readyz` over a run's life: 503 "starting" while the sink connects, 200 once running,
// and 503 "draining" from the first SIGTERM on, while the drain still waits and the process
// lives. The drain is held open by a sink that never finishes a commit (a FIFO the test never
// drains), so "before the process exits" is a window the test controls.

import { createServer, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ExitCode } from '../../src/cli/exit-codes.js';
import { endpointOf, get, scrape, total } from '../helpers/admin-endpoint.js';
import { exitWithin, type LogLine } from '../helpers/cli.js';
import { RunRig } from '../helpers/run-rig.js';
import { stuckRun } from '../helpers/stuck-sink.js';

let rig: RunRig;

beforeAll(async () => {
  rig = await RunRig.start({ generate: 20_000 });
});
afterAll(() => rig.close());

const says = (pattern: RegExp) => (line: LogLine) => pattern.test(line.msg ?? '');

describe('sluice run --listen: /readyz', () => {
  it('answers 503 "draining" from SIGTERM on while the drain waits, with /healthz and /metrics still served, until the process exits', { timeout: 30_000 }, async () => {
    const run = await stuckRun(rig, 'held', '30s', ['--listen', '127.0.0.1:0']);
    const url = await endpointOf(run);
    expect(await get(url, '/readyz')).toEqual({ status: 200, body: '{"ready":true}\n' });

    run.child.kill('SIGTERM');
    await run.waitForLog(says(/received SIGTERM: draining/));
    await vi.waitFor(async () => expect(await get(url, '/readyz')).toEqual({ status: 503, body: '{"ready":false,"reason":"draining"}\n' }), {
      timeout: 5000,
      interval: 20,
    });
    // Answered by the process itself, which is still draining: the commit it waits on never ends.
    expect(run.child.exitCode).toBeNull();
    expect((await get(url, '/healthz')).status).toBe(200);
    const { samples } = await scrape(url);
    expect(total(samples, 'sluice_queue_depth_records')).toBeGreaterThan(0);
    expect(total(samples, 'sluice_written_records_total')).toBe(0);
    expect((await get(url, '/readyz')).status).toBe(503);

    run.child.kill('SIGTERM');
    expect(await exitWithin(run, 5000), run.stderr()).toBe(ExitCode.Interrupted);
    await expect(get(url, '/healthz')).rejects.toThrow();
  });

  it('answers 503 "draining" as soon as an --until end run has read everything, while it still commits its checkpoints', { timeout: 30_000 }, async () => {
    const config = rig.writeConfig({ source: { consumerGroup: 'until-end' }, sink: { path: rig.path('until-end.ndjson') } }, 'until-end.yaml');
    // Slow checkpoint writes hold the drain at its checkpoint step, with the endpoint still open.
    rig.emulator.setFaults('UpdateCheckPoint:latency=2s');
    try {
      const run = rig.run(config, ['--listen', '127.0.0.1:0', '--until', 'end']);
      const url = await endpointOf(run);
      await run.waitForLog(says(/every held shard reached the end of this run/));
      expect(await get(url, '/readyz')).toEqual({ status: 503, body: '{"ready":false,"reason":"draining"}\n' });
      expect(run.child.exitCode).toBeNull();
      expect(await exitWithin(run, 15_000), run.stderr()).toBe(ExitCode.Ok);
    } finally {
      rig.emulator.setFaults('');
    }
  });

  it('answers 503 "starting" while the sink connects, before anything is pulled', { timeout: 30_000 }, async () => {
    // A "database" that accepts connections and never answers: the sink's open() waits on it.
    const held: Socket[] = [];
    const silent = createServer((socket) => void held.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as { port: number };
    try {
      const config = rig.writeConfig(
        { source: { consumerGroup: 'starting' }, sink: { type: 'postgres', url: `postgres://sluice@127.0.0.1:${port}/logs`, connectTimeout: '3s' } },
        'starting.yaml',
      );
      const pulls = rig.emulator.stats().calls.PullLogs ?? 0;
      const run = rig.run(config, ['--listen', '127.0.0.1:0']);
      const url = await endpointOf(run);
      expect(await get(url, '/readyz')).toEqual({ status: 503, body: '{"ready":false,"reason":"starting"}\n' });
      expect((await get(url, '/healthz')).status).toBe(200);
      expect(rig.emulator.stats().calls.PullLogs ?? 0).toBe(pulls);
      // The connect timeout passes: a database that cannot be reached at start ends the run.
      expect(await exitWithin(run, 10_000), run.stderr()).toBe(ExitCode.SinkFailed);
    } finally {
      for (const socket of held) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  });
});
