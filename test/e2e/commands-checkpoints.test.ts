// `sluice checkpoints reset`: it moves the consumer group's checkpoints and the group's next
// run starts there; it refuses while SLS names a live consumer in the group, unless --force.

import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ExitCode } from '../../src/cli/exit-codes.js';
import { runCli } from '../helpers/cli.js';
import { expectExactlyOnce } from '../helpers/delivery.js';
import { RunRig } from '../helpers/run-rig.js';
import { readSink, requestIds } from '../helpers/sink-file.js';
import { readShard, storedRequestIds } from '../helpers/sls-readback.js';

const SHARDS = [0, 1, 2, 3];
let rig: RunRig;

beforeAll(async () => {
  rig = await RunRig.start({ generate: 2000 });
  const run = rig.run(rig.writeConfig({ sink: { path: rig.path('first.ndjson') } }), ['--until', 'end']);
  expect(await run.exited, run.stderr()).toBe(0);
});
afterAll(() => rig.close());

function reset(flags: readonly string[]): ReturnType<typeof runCli> {
  return runCli(['checkpoints', 'reset', '--config', rig.writeConfig(), ...flags], {}, rig.dir);
}

/** The group's checkpoint per shard. */
async function checkpoints(): Promise<string[]> {
  const entries = await rig.client.getCheckpoints(rig.logstore, 'e2e');
  return SHARDS.map((shard) => entries.find((entry) => entry.shard === shard)?.checkpoint ?? '');
}

function cursors(at: 'begin' | 'end'): Promise<string[]> {
  return Promise.all(SHARDS.map((shard) => rig.client.getCursor(rig.logstore, shard, at)));
}

/** The consumer of the last run times out, as SLS drops a consumer that stopped heartbeating. */
async function expireConsumer(): Promise<void> {
  await rig.admin('POST', 'expire-consumer', { group: 'e2e', consumer: 'e2e-1' });
}

/** Runs the group to the end into `sink` and returns the request_ids written. */
async function runToEnd(sink: string): Promise<string[]> {
  const run = rig.run(rig.writeConfig({ sink: { path: rig.path(sink) } }), ['--until', 'end']);
  expect(await run.exited, run.stderr()).toBe(0);
  return requestIds(readSink(rig.path(sink)));
}

describe('sluice checkpoints reset', () => {
  it('refuses right after a run, whose consumer SLS still names until the group timeout, saying who and how to go on', async () => {
    const before = await checkpoints();
    const result = await reset(['--to', 'begin']);
    expect(result.code).toBe(ExitCode.ConsumersLive);
    expect(result.stderr).toContain('consumer group e2e has live consumers: e2e-1 (shards 0, 1, 2, 3)');
    expect(result.stderr).toContain("has not heartbeated for the group's timeout (10 s)");
    expect(result.stderr).toContain('pass --force');
    expect(await checkpoints()).toEqual(before);
  });

  it('refuses a group that does not exist, naming it, and creates nothing', async () => {
    const result = await reset(['--to', 'begin', '--consumer-group', 'never-ran']);
    expect(result.code).toBe(ExitCode.Config);
    expect(result.stderr).toContain('consumer group never-ran does not exist in logstore access, so it has no checkpoints to reset');
    expect((await rig.client.listConsumerGroups(rig.logstore)).map((group) => group.name)).not.toContain('never-ran');
  });

  it('--to begin moves every checkpoint to its shard\'s begin, and the next run delivers every log again', async () => {
    await expireConsumer();
    const [ends, begins] = [await cursors('end'), await cursors('begin')];
    expect(await checkpoints()).toEqual(ends);
    const result = await reset(['--to', 'begin']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout.split('\n').slice(1, 5)).toEqual(SHARDS.map((shard) => `shard ${shard}: ${ends[shard]} -> ${begins[shard]}`));
    expect(await checkpoints()).toEqual(begins);
    expectExactlyOnce(await runToEnd('second.ndjson'), await storedRequestIds(rig.client, rig.logstore));
  });

  it('--shard moves only that shard', async () => {
    await expireConsumer();
    const [ends, begins] = [await cursors('end'), await cursors('begin')];
    const result = await reset(['--to', 'begin', '--shard', '2']);
    expect(result.code, result.stderr).toBe(0);
    expect(await checkpoints()).toEqual(SHARDS.map((shard) => (shard === 2 ? begins[shard] : ends[shard])));
  });

  it('--to TIME moves every shard to the logs received from that time on, and the next run reads just those', async () => {
    // Two minutes on (the last run's consumer times out meanwhile), new logs arrive; the reset
    // goes to a time between the old logs and the new ones.
    const { now } = await rig.admin<{ now: number }>('POST', 'clock', { advanceMs: 120_000 });
    const oldEnds = await cursors('end');
    await rig.admin('POST', 'generate', { logs: 500 });
    const newEnds = await cursors('end');
    const arrived = (await Promise.all(SHARDS.map((shard) => readShard(rig.client, rig.logstore, { shard, from: oldEnds[shard]!, to: newEnds[shard]! })))).flat();
    expect(arrived).toHaveLength(500);

    const time = new Date(now - 60_000).toISOString().replace(/\.\d+Z$/, 'Z');
    const result = await reset(['--to', time]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout.split('\n')[0]).toBe(`consumer group e2e of demo/access: checkpoints moved to ${time}`);
    expect(await checkpoints()).toEqual(oldEnds);
    expectExactlyOnce(await runToEnd('third.ndjson'), arrived.map((log) => log.requestId));
  });

  it('refuses while a daemon run holds the shards, and --force resets anyway', async () => {
    await expireConsumer();
    const daemon = rig.run(rig.writeConfig({ source: { consumer: 'e2e-daemon' }, sink: { path: rig.path('daemon.ndjson') } }));
    await vi.waitFor(
      async () => {
        const holders = (await rig.client.getCheckpoints(rig.logstore, 'e2e')).map((entry) => entry.consumer);
        if (holders.some((holder) => holder !== 'e2e-daemon')) throw new Error(`shards held by ${holders.join(', ')}`);
      },
      { timeout: 15_000, interval: 50 },
    );
    const before = await checkpoints();
    const refused = await reset(['--to', 'begin', '--shard', '1']);
    expect(refused.code).toBe(ExitCode.ConsumersLive);
    expect(refused.stderr).toContain('live consumers: e2e-daemon (shards 0, 1, 2, 3)');
    expect(await checkpoints()).toEqual(before);

    const begins = await cursors('begin');
    const forced = await reset(['--to', 'begin', '--shard', '1', '--force']);
    expect(forced.code, forced.stderr).toBe(0);
    expect(forced.stdout).toContain(`shard 1: ${before[1]} -> ${begins[1]}`);
    expect((await checkpoints())[1]).toBe(begins[1]);

    daemon.child.kill('SIGTERM');
    expect(await daemon.exited).toBe(0);
  });
});
