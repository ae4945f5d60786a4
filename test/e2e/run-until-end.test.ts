// `--until end` is the cron mode: each shard's end cursor is captured at start and the run
// exits 0 once every shard has reached it, even while logs keep arriving behind those ends.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectExactlyOnce } from '../helpers/delivery.js';
import { RunRig } from '../helpers/run-rig.js';
import { readSink, requestIds } from '../helpers/sink-file.js';
import { readShard, type ShardRange } from '../helpers/sls-readback.js';

let rig: RunRig;

beforeAll(async () => {
  rig = await RunRig.start({ generate: 40_000, rate: 5000 });
});
afterAll(() => rig.close());

/** Every shard from its beginning to its end cursor as of now. */
async function rangesToNow(): Promise<ShardRange[]> {
  const shards = await rig.client.listShards(rig.logstore);
  return Promise.all(shards.map(async ({ shardID }) => ({ shard: shardID, from: 'begin', to: await rig.client.getCursor(rig.logstore, shardID, 'end') })));
}

async function idsIn(ranges: readonly ShardRange[]): Promise<string[]> {
  return (await Promise.all(ranges.map((range) => readShard(rig.client, rig.logstore, range)))).flat().map((log) => log.requestId);
}

describe('sluice run --until end', () => {
  it('exits 0 at the ends captured at start while the logstore keeps growing, each record once', async () => {
    const before = await rangesToNow();
    const run = rig.run(rig.writeConfig(), ['--until', 'end']);
    expect(await run.exited, run.stderr()).toBe(0);
    const after = await rangesToNow();

    const delivered = requestIds(readSink(rig.path('requests.ndjson')));
    // The run started between `before` and `after`: it owes everything up to the ends of
    // `before`, may have read on to the ends it captured itself, and never past `after`.
    const owed = await idsIn(before);
    const available = new Set(await idsIn(after));
    const owedSet = new Set(owed);
    const beyond = delivered.filter((id) => !owedSet.has(id));
    expect(beyond.filter((id) => !available.has(id)).slice(0, 5)).toEqual([]);
    expectExactlyOnce(delivered, [...owed, ...new Set(beyond)]);
    // The logstore grew during the run, and the run stopped short of what it had grown to.
    expect(available.size).toBeGreaterThan(owed.length);
    expect(delivered.length).toBeLessThan(available.size);
  });
});
