// Several consumers in one group: the server splits the shards between them, and a shard
// that moves is committed by its old owner before the new one reads it, so nothing is lost
// or read twice. A consumer the server has expired drops its shards, says so, and registers again.

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../../src/emulator/index.js';
import { captureLog, eventually, expectExactlyOnce, type SourceRig, startSetup } from './harness.js';
import { RecordingPipeline } from './recording-pipeline.js';

let emulator: RunningEmulator;
let rig: SourceRig;

beforeEach(async () => ({ emulator, rig } = await startSetup({ shards: 4, generate: 20_000 })));
afterEach(() => rig.stop());

describe('two consumers in one group', () => {
  it('split the shards 2/2; stopping one moves its shards to the other with nothing lost or repeated', async () => {
    const pipelineA = new RecordingPipeline();
    const pipelineB = new RecordingPipeline();
    const a = rig.source(pipelineA, { consumer: 'a', pullCount: 2 });
    void a.run();
    await eventually(() => expect(a.stats().heldShards).toEqual([0, 1, 2, 3]));

    const b = rig.source(pipelineB, { consumer: 'b', pullCount: 2 });
    const runningB = b.run();
    await eventually(() => {
      expect(a.stats().heldShards).toHaveLength(2);
      expect(b.stats().heldShards).toHaveLength(2);
    });
    await rig.generate(20_000);
    // caughtUp alone may still be the flag of b's pulls before the logs arrived: wait for b to
    // have read some of them too, so that its stop below hands over shards it has read.
    await eventually(() => {
      expect(pipelineB.requestIds.length).toBeGreaterThan(0);
      expect(b.stats().shards.every((shard) => shard.caughtUp)).toBe(true);
    });

    // The drain of b, in the lifecycle's order; then the server forgets it (as after its timeout).
    b.stopPulling();
    await expect(runningB).resolves.toBe('stopped');
    await b.commitCheckpoints();
    await b.close();
    await rig.admin('POST', 'expire-consumer', { group: 'g', consumer: 'b' });
    await eventually(() => expect(a.stats().heldShards).toEqual([0, 1, 2, 3]));

    await rig.generate(20_000);
    const stored = await rig.allStoredIds();
    await eventually(() => expect(pipelineA.requestIds.length + pipelineB.requestIds.length).toBeGreaterThanOrEqual(stored.length));
    expect(pipelineB.requestIds.length).toBeGreaterThan(0);
    expectExactlyOnce([...pipelineA.requestIds, ...pipelineB.requestIds], stored);
  });

  it('a shard taken away is given back only after its accepted batches are acked and committed', async () => {
    const pipelineA = new RecordingPipeline({ autoAck: false });
    const a = rig.source(pipelineA, { consumer: 'a', pullCount: 1 });
    void a.run();
    await eventually(() => expect(a.stats().shards.filter((shard) => shard.caughtUp)).toHaveLength(4));

    const b = rig.source(new RecordingPipeline(), { consumer: 'b' });
    void b.run();
    // b waits: a still reports the two shards it must give up, because their batches are not acked.
    await eventually(async () => expect(await rig.admin('GET', 'consumers?group=g')).toEqual(['a', 'b']));
    const beats = emulator.stats().calls.Heartbeat ?? 0;
    await eventually(() => expect(emulator.stats().calls.Heartbeat).toBeGreaterThan(beats + 4));
    expect(a.stats().heldShards).toHaveLength(4);
    expect(b.stats().heldShards).toEqual([]);

    pipelineA.ackAll();
    await eventually(() => expect(b.stats().heldShards).toHaveLength(2));
    const ends = await rig.endCursors();
    const checkpoints = await rig.checkpoints();
    for (const shard of b.stats().heldShards) expect(checkpoints.get(shard)).toBe(ends.get(shard));
  });
});

describe('an expired consumer', () => {
  it('warns, drops its shards, registers again and reads on from the checkpoints', async () => {
    const { log, entries } = captureLog();
    const pipeline = new RecordingPipeline();
    const source = rig.source(pipeline, { log });
    void source.run();
    await eventually(() => expect(source.stats().shards.filter((shard) => shard.caughtUp)).toHaveLength(4));
    const ends = await rig.endCursors();
    await eventually(async () => expect(await rig.checkpoints()).toEqual(ends));

    await rig.admin('POST', 'expire-consumer', { group: 'g', consumer: 'c1' });
    await eventually(() => expect(entries.some((entry) => entry.level === 40 && /has expired from group g/.test(entry.msg))).toBe(true));
    await eventually(() => expect(source.stats().heldShards).toEqual([0, 1, 2, 3]));
    await rig.generate(10_000);
    const stored = await rig.allStoredIds();
    await eventually(() => expect(pipeline.requestIds).toHaveLength(stored.length));
    expectExactlyOnce(pipeline.requestIds, stored);
  });
});
