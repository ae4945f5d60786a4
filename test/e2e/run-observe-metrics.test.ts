// `sluice run --listen 127.0.0.1:0`: what /metrics says is what the run did. Records pulled and
// written per shard are the lines of the sink file, the SLS errors injected are counted by
// code, data that arrives while pulling is paused shows as lag in log groups (checked against
// the emulator's own cursors), and the checkpoint age grows while checkpoints cannot be written.

import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { ExitCode } from '../../src/cli/exit-codes.js';
import { decodeCursor } from '../../src/sls/cursor.js';
import { byShard, endpointOf, get, post, scrape, total, type Sample } from '../helpers/admin-endpoint.js';
import { runCli } from '../helpers/cli.js';
import { RunRig } from '../helpers/run-rig.js';
import { readSink, waitForSinkLines } from '../helpers/sink-file.js';
import { storedRequestIds } from '../helpers/sls-readback.js';

const LOGS = 20_000;
const SHARDS = [0, 1, 2, 3];

let rig: RunRig;

beforeAll(async () => {
  rig = await RunRig.start({ generate: LOGS });
});
afterAll(() => rig.close());
afterEach(() => rig.emulator.setFaults(''));

/** Each case reads with its own consumer group into its own file. */
function scene(name: string): { config: string; output: string } {
  const output = rig.path(`${name}.ndjson`);
  return { config: rig.writeConfig({ source: { consumerGroup: name }, sink: { path: output } }, `${name}.yaml`), output };
}

/** Per shard, the lines of the sink file. */
function linesByShard(output: string): Record<number, number> {
  const counts: Record<number, number> = {};
  for (const line of readSink(output)) counts[line.shard] = (counts[line.shard] ?? 0) + 1;
  return counts;
}

/** Per shard, the emulator's end cursor as a position. */
async function ends(): Promise<bigint[]> {
  return Promise.all(SHARDS.map(async (shard) => decodeCursor(await rig.client.getCursor(rig.logstore, shard, 'end'))));
}

/** Scrapes until `check` passes on the samples; resolves with them. */
function scrapeUntil(url: string, check: (samples: Sample[]) => void, timeout = 15_000): Promise<Sample[]> {
  return vi.waitFor(
    async () => {
      const { samples } = await scrape(url);
      check(samples);
      return samples;
    },
    { timeout, interval: 100 },
  );
}

describe('sluice run --listen: /metrics', () => {
  it('counts per shard what was pulled and written (the lines of the file), SLS errors by code, and data that arrives while paused as lag', { timeout: 60_000 }, async () => {
    const { config, output } = scene('metrics');
    // Two pulls and two heartbeats fail at first (the run retries them): counted by code.
    rig.emulator.setFaults('PullLogs:503=2x,Heartbeat:500=2x');
    const run = rig.run(config, ['--listen', '127.0.0.1:0']);
    const url = await endpointOf(run);
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    await waitForSinkLines(output, LOGS);
    // A commit's records are counted once it is durable, just after its lines are in the file.
    const samples = await scrapeUntil(url, (s) => expect(total(s, 'sluice_written_records_total')).toBe(LOGS));

    const lines = linesByShard(output);
    expect(Object.keys(lines)).toHaveLength(SHARDS.length);
    expect(byShard(samples, 'sluice_written_records_total')).toEqual(lines);
    expect(byShard(samples, 'sluice_pulled_records_total')).toEqual(lines);
    expect(total(samples, 'sluice_written_records_total', { sink: 'file' })).toBe(LOGS);
    expect(total(samples, 'sluice_dead_lettered_records_total')).toBe(0);
    for (const shard of SHARDS) expect(byShard(samples, 'sluice_pulled_bytes_total')[shard]).toBeGreaterThan(0);
    expect(total(samples, 'sluice_errors_total', { component: 'sls', code: 'ServerBusy' })).toBe(2);
    expect(total(samples, 'sluice_errors_total', { component: 'sls', code: 'InternalServerError' })).toBe(2);
    expect(total(samples, 'sluice_heartbeat_failures_total')).toBe(2);
    expect(total(samples, 'sluice_commit_duration_seconds_count', { sink: 'file' })).toBeGreaterThan(0);
    expect(total(samples, 'sluice_queue_depth_records')).toBe(0);
    expect(total(samples, 'sluice_held_shards')).toBe(SHARDS.length);
    expect(byShard(samples, 'sluice_lag_log_groups')).toEqual({ 0: 0, 1: 0, 2: 0, 3: 0 });
    expect(total(samples, 'process_resident_memory_bytes')).toBeGreaterThan(0);
    expect(await get(url, '/readyz')).toEqual({ status: 200, body: '{"ready":true}\n' });
    expect((await get(url, '/healthz')).status).toBe(200);

    // Paused and caught up, then more logs arrive: exactly that many log groups of lag per shard.
    expect(await post(url, '/pause')).toEqual({ status: 200, body: '{"paused":true}\n' });
    const before = await ends();
    await rig.admin('POST', 'generate', { logs: 2000 });
    const after = await ends();
    const expected = Object.fromEntries(SHARDS.map((shard) => [shard, Number(after[shard]! - before[shard]!)]));
    expect(Object.values(expected).reduce((a, b) => a + b)).toBeGreaterThan(0);
    const paused = await scrapeUntil(url, (s) => expect(byShard(s, 'sluice_lag_log_groups')).toEqual(expected));
    expect(total(paused, 'sluice_paused')).toBe(1);
    expect(total(paused, 'sluice_pulled_records_total')).toBe(LOGS);

    await post(url, '/resume');
    await waitForSinkLines(output, LOGS + 2000);
    await scrapeUntil(url, (s) => {
      expect(total(s, 'sluice_written_records_total')).toBe(LOGS + 2000);
      expect(byShard(s, 'sluice_lag_log_groups')).toEqual({ 0: 0, 1: 0, 2: 0, 3: 0 });
    });
    run.child.kill('SIGTERM');
    expect(await run.exited, run.stderr()).toBe(ExitCode.Ok);
  });

  it('the checkpoint age grows while checkpoints cannot be written, and falls back once they can', { timeout: 60_000 }, async () => {
    const { config, output } = scene('checkpoint-age');
    const stored = (await storedRequestIds(rig.client, rig.logstore)).length;
    const run = rig.run(config, ['--listen', '127.0.0.1:0']);
    const url = await endpointOf(run);
    await waitForSinkLines(output, stored);
    // Healthy, the checkpoint follows the written data every checkpointInterval (200 ms).
    await scrapeUntil(url, (s) => {
      const ages = Object.values(byShard(s, 'sluice_checkpoint_age_seconds'));
      expect(ages).toHaveLength(SHARDS.length);
      expect(Math.max(...ages)).toBeLessThan(2);
    });

    rig.emulator.setFaults('UpdateCheckPoint:503');
    await rig.admin('POST', 'generate', { logs: 1000 });
    await waitForSinkLines(output, stored + 1000);
    const failing = await scrapeUntil(url, (s) => expect(Math.max(...Object.values(byShard(s, 'sluice_checkpoint_age_seconds')))).toBeGreaterThan(3));
    expect(total(failing, 'sluice_errors_total', { component: 'sls', code: 'ServerBusy' })).toBeGreaterThan(0);

    rig.emulator.setFaults('');
    await scrapeUntil(url, (s) => expect(Math.max(...Object.values(byShard(s, 'sluice_checkpoint_age_seconds')))).toBeLessThan(2), 20_000);
    run.child.kill('SIGTERM');
    expect(await run.exited, run.stderr()).toBe(ExitCode.Ok);
  });

  it(`a --listen address that cannot be bound ends the run at start with ${ExitCode.Config}, naming it and what to do`, async () => {
    const { config } = scene('taken');
    const first = rig.run(config, ['--listen', '127.0.0.1:0']);
    const taken = new URL(await endpointOf(first)).host;
    // Another consumer of the group: the same consumer would be stopped by the job's lock first.
    const second = await runCli(['run', '--config', config, '--consumer', 'e2e-2', '--listen', taken], {}, rig.dir);
    expect(second.code, second.stderr).toBe(ExitCode.Config);
    expect(second.stderr).toContain(`cannot listen on ${taken} (observe.listen, --listen): the port is already in use`);
    first.child.kill('SIGTERM');
    expect(await first.exited, first.stderr()).toBe(ExitCode.Ok);
  });
});
