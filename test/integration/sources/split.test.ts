// Readonly shards: a shard split during a run is read to its end, its end cursor is
// committed (also when it never held a log) so the group marks it over and stops assigning
// it, and its children are read; every record exactly once.

import { describe, expect, it } from 'vitest';
import { eventually, expectExactlyOnce, setupPerTest, type SourceRig } from './harness.js';
import { RecordingPipeline } from './recording-pipeline.js';

const start = setupPerTest();

async function expectOver({ client, emulator }: SourceRig, shard: number): Promise<void> {
  const [entry] = await client.getCheckpoints(emulator.logstore, 'g', shard);
  expect(entry?.checkpoint).toBe(await client.getCursor(emulator.logstore, shard, 'end'));
  // An over shard has no owner in the group any more.
  expect(entry?.consumer).toBe('');
}

describe('a shard split during a run', () => {
  it('in-order: the parent is read to its end and released before its children are read', async () => {
    const { rig } = await start({ shards: 2, generate: 10_000 });
    const pipeline = new RecordingPipeline();
    const source = rig.source(pipeline, { inOrder: true, pullCount: 2 });
    void source.run();
    await eventually(() => expect(source.stats().shards.filter((shard) => shard.caughtUp)).toHaveLength(2));

    // While pulling is paused: more logs for the parent, the split, more logs for the children.
    source.pause();
    await rig.generate(10_000);
    expect(await rig.admin('POST', 'split', { shard: 0 })).toMatchObject([{ shardID: 0, status: 'readonly' }, { shardID: 2 }, { shardID: 3 }]);
    await rig.generate(10_000);
    source.resume();

    const stored = await rig.allStoredIds();
    await eventually(() => expect(pipeline.requestIds).toHaveLength(stored.length));
    expectExactlyOnce(pipeline.requestIds, stored);
    await eventually(() => expect(source.stats().heldShards).toEqual([1, 2, 3]));
    await expectOver(rig, 0);
    const order = pipeline.batches.map((batch) => batch.shard);
    expect(order.lastIndexOf(0)).toBeLessThan(Math.min(order.indexOf(2), order.indexOf(3)));
  });

  it('an empty shard that is split is released too, by committing its end although nothing was read', async () => {
    // Two log groups: shards 0 and 1 get one each, 2 and 3 stay empty.
    const { rig } = await start({ shards: 4, generate: 1100 });
    const pipeline = new RecordingPipeline();
    const source = rig.source(pipeline);
    void source.run();
    await eventually(() => expect(source.stats().shards.filter((shard) => shard.caughtUp)).toHaveLength(4));
    expect(pipeline.batchesOf(3)).toEqual([]);

    await rig.admin('POST', 'split', { shard: 3 });
    await eventually(() => expect(source.stats().heldShards).toEqual([0, 1, 2, 4, 5]));
    await expectOver(rig, 3);
    await rig.generate(5000);
    const stored = await rig.allStoredIds();
    await eventually(() => expect(pipeline.requestIds).toHaveLength(stored.length));
    expectExactlyOnce(pipeline.requestIds, stored);
  });
});
