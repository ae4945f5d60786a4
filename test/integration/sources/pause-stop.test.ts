// Pause and resume (no PullLogs while paused, heartbeats go on, nothing lost or repeated),
// and drain step 1: stopPulling() ends run() with 'stopped' while heartbeats continue for
// the commits that follow; close() ends it all and may be called twice.

import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../../src/emulator/index.js';
import { eventually, expectExactlyOnce, type SourceRig, startSetup } from './harness.js';
import { RecordingPipeline } from './recording-pipeline.js';

let emulator: RunningEmulator;
let rig: SourceRig;

beforeAll(async () => ({ emulator, rig } = await startSetup({ shards: 4, generate: 10_000 })));
afterEach(() => rig.closeAll());
afterAll(() => rig.stop());

const calls = (name: string): number => emulator.stats().calls[name] ?? 0;

/** Resolves once the emulator has answered `count` more heartbeats: time passing, observed. */
async function heartbeats(count: number): Promise<void> {
  const target = calls('Heartbeat') + count;
  await eventually(() => expect(calls('Heartbeat')).toBeGreaterThanOrEqual(target));
}

describe('pause and resume', () => {
  it('no PullLogs while paused, heartbeats and checkpoints go on; resume reads on from the same cursors', async () => {
    const pipeline = new RecordingPipeline({ autoAck: false });
    const source = rig.source(pipeline, { group: 'pause' });
    void source.run();
    const before = await rig.allStoredIds();
    await eventually(() => expect(pipeline.requestIds).toHaveLength(before.length));

    source.pause();
    expect(source.paused).toBe(true);
    // What the pipeline finishes while pulling is paused is still committed.
    pipeline.ackAll();
    const ends = await rig.endCursors();
    await eventually(async () => expect(await rig.checkpoints('pause')).toEqual(ends));
    await heartbeats(2); // a pull that was in flight has answered by now
    const pulls = calls('PullLogs');
    await rig.generate(10_000);
    await heartbeats(4);
    expect(calls('PullLogs')).toBe(pulls);
    expect(pipeline.requestIds).toHaveLength(before.length);
    expect(source.stats().heldShards).toEqual([0, 1, 2, 3]);

    source.resume();
    expect(source.paused).toBe(false);
    const stored = await rig.allStoredIds();
    await eventually(() => expect(pipeline.requestIds).toHaveLength(stored.length));
    pipeline.ackAll();
    expectExactlyOnce(pipeline.requestIds, stored);
  });
});

describe('stopPulling', () => {
  it("resolves run() with 'stopped'; heartbeats continue without pulls, and the final commit succeeds", async () => {
    const pipeline = new RecordingPipeline({ autoAck: false });
    const source = rig.source(pipeline, { group: 'stop', checkpointIntervalMs: 60_000 });
    const running = source.run();
    await eventually(() => expect(source.stats().shards.filter((shard) => shard.caughtUp)).toHaveLength(4));

    source.stopPulling();
    await expect(running).resolves.toBe('stopped');
    const pulls = calls('PullLogs');
    await heartbeats(3);
    expect(calls('PullLogs')).toBe(pulls);
    expect(source.stats().heldShards).toEqual([0, 1, 2, 3]);

    // The pipeline drains after the stop; its acks are what the final commit writes.
    pipeline.ackAll();
    await source.commitCheckpoints();
    expect(await rig.checkpoints('stop')).toEqual(await rig.endCursors());
  });

  it("before the first heartbeat: run() resolves 'stopped' and the consumer never registers", async () => {
    const source = rig.source(new RecordingPipeline(), { group: 'early', consumer: 'early' });
    const running = source.run();
    source.stopPulling();
    await expect(running).resolves.toBe('stopped');
    await source.close();
    expect(await rig.admin('GET', 'consumers?group=early')).toEqual([]);
  });

  it("close() without stopPulling() also ends run() with 'stopped', and a second close() is harmless", async () => {
    const source = rig.source(new RecordingPipeline(), { group: 'close' });
    const running = source.run();
    await eventually(() => expect(source.stats().heldShards).toHaveLength(4));
    await source.close();
    await expect(running).resolves.toBe('stopped');
    await expect(source.close()).resolves.toBeUndefined();
  });
});
