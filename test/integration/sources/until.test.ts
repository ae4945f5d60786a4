// Runs with an end (cron): `until: end` stops every shard at the end it had when the run
// started, however much keeps arriving; `until: <time>` stops at the first log group the
// server received at or after that time, also when that time is still ahead at the start.

import { describe, expect, it } from 'vitest';
import { decodeCursor } from '../../../src/sls/cursor.js';
import { eventually, expectExactlyOnce, setupPerTest } from './harness.js';
import { RecordingPipeline } from './recording-pipeline.js';

const start = setupPerTest();

/** Per shard, the cursor after the last batch the pipeline got (its position when the run ended). */
function lastPositions(pipeline: RecordingPipeline): Map<number, bigint> {
  return new Map(pipeline.batches.map((batch) => [batch.shard, decodeCursor(batch.nextCursor)]));
}

describe('until end', () => {
  it('stops each shard at the end it had at the start while logs keep arriving, and resolves end', async () => {
    const { rig } = await start({ shards: 4, generate: 20_000, rate: 5000 });
    const before = await rig.endCursors();
    const pipeline = new RecordingPipeline();
    const source = rig.source(pipeline, { until: { kind: 'end' }, pullCount: 3 });
    const running = source.run();
    // The ends captured at the start (before the first heartbeat) lie between these two snapshots.
    await eventually(() => expect(source.stats().heldShards).toHaveLength(4));
    const soon = await rig.endCursors();
    await expect(running).resolves.toBe('end');
    const reached = lastPositions(pipeline);
    for (const [shard, end] of before) {
      expect(reached.get(shard)).toBeGreaterThanOrEqual(decodeCursor(end));
      expect(reached.get(shard)).toBeLessThanOrEqual(decodeCursor(soon.get(shard) ?? ''));
    }
    const expected = await Promise.all([...reached].map(([shard, position]) => rig.storedIds(shard, 'begin', Buffer.from(String(position)).toString('base64'))));
    expectExactlyOnce(pipeline.requestIds, expected.flat());
    expect(pipeline.requestIds.length).toBeLessThan((await rig.allStoredIds()).length);
  });

  it('resolves end at once when the logstore is empty', async () => {
    const { rig } = await start({ shards: 2 });
    const pipeline = new RecordingPipeline();
    await expect(rig.source(pipeline, { until: { kind: 'end' } }).run()).resolves.toBe('end');
    expect(pipeline.batches).toEqual([]);
  });
});

describe('until a time', () => {
  it('stops at the first log group received at or after the time', async () => {
    // 40 s of history: the stop time falls in the middle of it.
    const { emulator, client, rig } = await start({ shards: 4, generate: 40_000 });
    const until = Math.floor(Date.now() / 1000) - 15;
    const pipeline = new RecordingPipeline();
    await expect(rig.source(pipeline, { until: { kind: 'time', unixSeconds: until } }).run()).resolves.toBe('end');
    const expected = await Promise.all([0, 1, 2, 3].map(async (shard) => rig.storedIds(shard, 'begin', await client.getCursor(emulator.logstore, shard, until))));
    expect(expected.flat().length).toBeGreaterThan(0);
    expect(expected.flat().length).toBeLessThan((await rig.allStoredIds()).length);
    expectExactlyOnce(pipeline.requestIds, expected.flat());
  });

  it('with a time still ahead at the start, reads on until that time has passed, then stops there', async () => {
    // One clock for the emulator (receive times) and the source: the test moves it.
    let now = Date.UTC(2030, 0, 1);
    const { rig } = await start({ shards: 2, clock: () => now });
    const until = now / 1000 + 60;
    const pipeline = new RecordingPipeline();
    // A group timeout longer than the jump of the clock below, so the consumer does not expire.
    const source = rig.source(pipeline, { until: { kind: 'time', unixSeconds: until }, now: () => now, groupTimeoutSeconds: 3600 });
    const running = source.run();
    await rig.generate(2000);
    const before = await rig.allStoredIds();
    await eventually(() => expect(pipeline.requestIds).toHaveLength(before.length));
    now += 61_000;
    // Received after the stop time: not for this run, even if the run sees it before it stops.
    await rig.generate(2000);
    await expect(running).resolves.toBe('end');
    expectExactlyOnce(pipeline.requestIds, before);
  });
});
