// Two sluice processes in one consumer group share the shards (SLS is the coordinator).
// Stopping one drains it and, once the group times it out, hands its shards to the other,
// which resumes from the stopped one's checkpoints: the union of the two sinks holds every
// stored request_id exactly once.

import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { expectExactlyOnce } from '../helpers/delivery.js';
import { RunRig } from '../helpers/run-rig.js';
import { readSink, requestIds, waitForSinkLines } from '../helpers/sink-file.js';
import { storedRequestIds } from '../helpers/sls-readback.js';

const GROUP = 'rebalance';
/**
 * The stopped process's shards move once the group has timed it out. Short, to keep the test
 * quick, but not the 2 s minimum: a live consumer that misses heartbeats that long on a loaded
 * machine is expired too, and re-reading its unacked records would be allowed duplicates.
 */
const GROUP_TIMEOUT = '4s';

let rig: RunRig;

beforeAll(async () => {
  rig = await RunRig.start({ generate: 12_000, shards: 4 });
});
afterAll(() => rig.close());

/** Owner of each shard as the group sees it, e.g. { a: [0, 2], b: [1, 3] }. */
async function owners(): Promise<Record<string, number[]>> {
  const byOwner: Record<string, number[]> = {};
  for (const { shard, consumer } of await rig.client.getCheckpoints(rig.logstore, GROUP)) (byOwner[consumer] ??= []).push(shard);
  return byOwner;
}

async function waitForOwners(expected: (byOwner: Record<string, number[]>) => void): Promise<void> {
  await vi.waitFor(async () => expected(await owners()), { timeout: 15_000, interval: 50 });
}

/** Appends logs now and returns every stored request_id. */
async function generate(logs: number): Promise<string[]> {
  await rig.admin('POST', 'generate', { logs });
  return storedRequestIds(rig.client, rig.logstore);
}

describe('sluice run: two processes in one group', () => {
  it('split the shards 2/2; SIGTERM one, the other takes its shards; nothing lost or duplicated', async () => {
    const outputs = [rig.path('a.ndjson'), rig.path('b.ndjson')];
    const configs = ['a', 'b'].map((consumer, i) =>
      rig.writeConfig({ source: { consumerGroup: GROUP, consumer, groupTimeout: GROUP_TIMEOUT }, sink: { path: outputs[i] } }, `${consumer}.yaml`),
    );
    const a = rig.run(configs[0]!);
    const b = rig.run(configs[1]!);
    await waitForOwners((byOwner) => expect({ a: byOwner.a?.length, b: byOwner.b?.length }).toEqual({ a: 2, b: 2 }));

    // New logs land on all four shards: each process now has work of its own.
    let stored = await generate(20_000);
    await waitForSinkLines(outputs, stored.length);
    expect(readSink(outputs[0]!).length).toBeGreaterThan(0);
    expect(readSink(outputs[1]!).length).toBeGreaterThan(0);

    a.child.kill('SIGTERM');
    expect(await a.exited, a.stderr()).toBe(0);
    // a's shards are written to b's file only from the checkpoints a committed at its drain.
    stored = await generate(20_000);
    await waitForOwners((byOwner) => expect(byOwner.b?.sort()).toEqual([0, 1, 2, 3]));
    await waitForSinkLines(outputs, stored.length);

    b.child.kill('SIGTERM');
    expect(await b.exited, b.stderr()).toBe(0);
    expectExactlyOnce(requestIds(readSink(...outputs)), stored);
    const checkpoints = await rig.client.getCheckpoints(rig.logstore, GROUP);
    expect(checkpoints.every((c) => c.checkpoint !== '')).toBe(true);
  });
});
