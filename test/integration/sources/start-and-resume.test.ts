// Where a consumer-group source starts (checkpoint, else begin / end / a time), that a
// restart resumes exactly at what was acked and committed, that only acked positions are
// ever committed, and that a wrong logstore fails the run at once.

import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../../src/emulator/index.js';
import type { SlsClient } from '../../../src/sls/client.js';
import { rejection } from '../../helpers/sls-failure.js';
import { eventually, expectExactlyOnce, type SourceRig, startSetup } from './harness.js';
import { RecordingPipeline } from './recording-pipeline.js';

let emulator: RunningEmulator;
let client: SlsClient;
let rig: SourceRig;

// 30 s of history at 1000 logs/s: 55 log groups over 4 shards, received over the past 30 s.
beforeAll(async () => ({ emulator, client, rig } = await startSetup({ shards: 4, generate: 30_000 })));
afterEach(() => rig.closeAll());
afterAll(() => rig.stop());

describe('where a source starts', () => {
  it('from begin, reads every shard once and commits each end after the drain', async () => {
    const pipeline = new RecordingPipeline();
    const source = rig.source(pipeline, { group: 'begin', until: { kind: 'end' } });
    await expect(source.run()).resolves.toBe('end');
    expectExactlyOnce(pipeline.requestIds, await rig.allStoredIds());
    await source.commitCheckpoints();
    expect(await rig.checkpoints('begin')).toEqual(await rig.endCursors());
  });

  it('from end, reads only what arrives after the start', async () => {
    const pipeline = new RecordingPipeline();
    const source = rig.source(pipeline, { group: 'end', from: { kind: 'end' } });
    const running = source.run();
    await eventually(() => expect(source.stats().shards.filter((shard) => shard.caughtUp)).toHaveLength(4));
    const before = await rig.endCursors();
    await rig.generate(3000);
    const arrived = (await Promise.all([0, 1, 2, 3].map((shard) => rig.storedIds(shard, before.get(shard))))).flat();
    await eventually(() => expect(pipeline.requestIds).toHaveLength(arrived.length));
    source.stopPulling();
    await expect(running).resolves.toBe('stopped');
    expectExactlyOnce(pipeline.requestIds, arrived);
  });

  it('from a time, reads what the server received at or after it', async () => {
    const from = Math.floor(Date.now() / 1000) - 12;
    const pipeline = new RecordingPipeline();
    const source = rig.source(pipeline, { group: 'time', from: { kind: 'time', unixSeconds: from }, until: { kind: 'end' } });
    await expect(source.run()).resolves.toBe('end');
    const expected = await Promise.all([0, 1, 2, 3].map(async (shard) => rig.storedIds(shard, await client.getCursor(emulator.logstore, shard, from))));
    expect(expected.flat().length).toBeGreaterThan(0);
    expect(expected.flat().length).toBeLessThan((await rig.allStoredIds()).length);
    expectExactlyOnce(pipeline.requestIds, expected.flat());
  });
});

describe('checkpoints', () => {
  it('a restarted consumer resumes exactly where the acked and committed data ended', async () => {
    // The first run stops pulling after about 5 pulls of one log group each (room runs out;
    // pulls already past room() still land): the rest is left for the second.
    const first = new RecordingPipeline();
    first.limitRoom(5);
    const a = rig.source(first, { group: 'resume', pullCount: 1 });
    const running = a.run();
    await eventually(() => expect(first.batches.length).toBeGreaterThanOrEqual(5));
    a.stopPulling();
    await expect(running).resolves.toBe('stopped');
    await a.commitCheckpoints();
    await a.close();

    const second = new RecordingPipeline();
    const b = rig.source(second, { group: 'resume', until: { kind: 'end' } });
    await expect(b.run()).resolves.toBe('end');
    expect(first.requestIds.length).toBeGreaterThan(0);
    expectExactlyOnce([...first.requestIds, ...second.requestIds], await rig.allStoredIds());
  });

  it('commits only acked batches: an accepted batch that is not acked is never committed', async () => {
    const pipeline = new RecordingPipeline({ autoAck: false });
    const source = rig.source(pipeline, { group: 'acked', pullCount: 2, until: { kind: 'end' } });
    await expect(source.run()).resolves.toBe('end');
    const [firstOfShard0, secondOfShard0] = pipeline.batchesOf(0);
    expect(secondOfShard0).toBeDefined();
    pipeline.ack(0, 1);
    await source.commitCheckpoints();
    const committed = await rig.checkpoints('acked');
    expect(committed.get(0)).toBe(firstOfShard0?.nextCursor);
    expect([committed.get(1), committed.get(2), committed.get(3)]).toEqual(['', '', '']);
  });

  it('writes acked positions on its own every checkpoint interval while running', async () => {
    const pipeline = new RecordingPipeline({ autoAck: false });
    const source = rig.source(pipeline, { group: 'periodic', checkpointIntervalMs: 30 });
    void source.run();
    await eventually(() => expect(source.stats().shards.filter((shard) => shard.caughtUp)).toHaveLength(4));
    pipeline.ackAll();
    const ends = await rig.endCursors();
    await eventually(async () => expect(await rig.checkpoints('periodic')).toEqual(ends));
  });
});

describe('fatal errors', () => {
  it('a logstore that does not exist rejects run() with LogStoreNotExist at once', async () => {
    const source = rig.source(new RecordingPipeline(), { logstore: 'no-such-logstore' });
    const error = await rejection(source.run());
    expect(error.code).toBe('LogStoreNotExist');
  });
});
