// A shard that changes hands while a puller is still starting (reading the group's checkpoint):
// the puller that lost it never reads it, never says it does, and nothing is committed for it
// until its start is known, so a watermark from an earlier hold cannot move back a checkpoint
// another consumer has moved on since. The start is held open deterministically by a client
// whose GetCheckPoint requests wait for the test (the emulator answers them once sent).

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../../src/emulator/index.js';
import { SlsClient } from '../../../src/sls/client.js';
import type { CheckpointInfo } from '../../../src/sls/types.js';
import type { ConsumerGroupSource } from '../../../src/sources/sls/consumer-group-source.js';
import { captureLog, eventually, expectExactlyOnce, KEY, type SourceRig, startSetup } from './harness.js';
import { RecordingPipeline } from './recording-pipeline.js';

/** A client whose GetCheckPoint requests are sent only while the gate is open. */
class CheckpointReadGate extends SlsClient {
  #opened: Promise<void> = Promise.resolve();
  #open: () => void = () => undefined;
  /** GetCheckPoint answers handed back so far. */
  answered = 0;

  hold(): void {
    this.#opened = new Promise((resolve) => (this.#open = resolve));
  }

  open(): void {
    this.#open();
  }

  override async getCheckpoints(logstore: string, group: string, shard?: number): Promise<CheckpointInfo[]> {
    await this.#opened;
    const answer = await super.getCheckpoints(logstore, group, shard);
    this.answered += 1;
    return answer;
  }
}

let emulator: RunningEmulator;
let gated: CheckpointReadGate;
let rig: SourceRig;

beforeEach(async () => {
  ({ emulator, rig } = await startSetup({ shards: 4, generate: 10_000 }));
  gated = new CheckpointReadGate({ endpoint: emulator.url, project: emulator.project, credentials: KEY });
});
afterEach(async () => {
  gated.open();
  await rig.closeAll();
  gated.close();
  await rig.stop();
});

/** Every held shard has read up to the end of what is stored. */
async function caughtUp(...sources: ConsumerGroupSource[]): Promise<void> {
  await eventually(() => {
    for (const source of sources) expect(source.stats().shards.every((shard) => shard.caughtUp)).toBe(true);
  });
}

describe('a shard that moves while its puller is starting', () => {
  it('is never read, nor said to be read, by the consumer that gave it up', async () => {
    // An earlier consumer leaves checkpoints, so a starting puller has a position to resume from.
    const earlier = rig.source(new RecordingPipeline(), { consumer: 'earlier', until: { kind: 'end' } });
    await expect(earlier.run()).resolves.toBe('end');
    await earlier.commitCheckpoints();
    await earlier.close();
    await rig.admin('POST', 'expire-consumer', { group: 'g', consumer: 'earlier' });
    const checkpoints = await rig.checkpoints();
    await rig.generate(10_000);
    const stored = (await Promise.all([0, 1, 2, 3].map((shard) => rig.storedIds(shard, checkpoints.get(shard))))).flat();

    gated.hold();
    const { log, entries } = captureLog();
    const pipelineA = new RecordingPipeline();
    const a = rig.source(pipelineA, { consumer: 'a', client: gated, log });
    void a.run();
    await eventually(() => expect(a.stats().heldShards).toEqual([0, 1, 2, 3]));
    const pipelineB = new RecordingPipeline();
    const b = rig.source(pipelineB, { consumer: 'b' });
    void b.run();
    await eventually(() => {
      expect(a.stats().heldShards).toHaveLength(2);
      expect(b.stats().heldShards).toHaveLength(2);
    });
    const givenAway = b.stats().heldShards;
    // Only now do a's four checkpoint reads go out: two of them for shards a no longer holds.
    gated.open();
    await eventually(() => expect(gated.answered).toBe(4));
    await caughtUp(a, b);
    await eventually(() => expect(pipelineA.requestIds.length + pipelineB.requestIds.length).toBeGreaterThanOrEqual(stored.length));

    expectExactlyOnce([...pipelineA.requestIds, ...pipelineB.requestIds], stored);
    for (const shard of givenAway) {
      expect(pipelineA.batchesOf(shard)).toEqual([]);
      const said = entries.filter((entry) => entry.shard === shard).map((entry) => entry.msg);
      expect(said).toContainEqual(expect.stringMatching(/is assigned elsewhere now/));
      expect(said.filter((msg) => /reading from/.test(msg))).toEqual([]);
    }
  });

  it('is not committed before its checkpoint is read: a watermark of an earlier hold never moves the checkpoint back', async () => {
    const pipelineA = new RecordingPipeline();
    const a = rig.source(pipelineA, { consumer: 'a', client: gated });
    void a.run();
    await eventually(() => expect(a.stats().heldShards).toEqual([0, 1, 2, 3]));
    await caughtUp(a);
    // b takes two shards from a (a commits its watermark there) and reads them on past it.
    const pipelineB = new RecordingPipeline();
    const b = rig.source(pipelineB, { consumer: 'b' });
    const runningB = b.run();
    await eventually(() => expect(b.stats().heldShards).toHaveLength(2));
    await rig.generate(10_000);
    let stored = await rig.allStoredIds();
    await eventually(() => expect(pipelineA.requestIds.length + pipelineB.requestIds.length).toBeGreaterThanOrEqual(stored.length));
    b.stopPulling();
    await expect(runningB).resolves.toBe('stopped');
    await b.commitCheckpoints();
    await b.close();
    const ends = await rig.endCursors();
    await eventually(async () => expect(await rig.checkpoints()).toEqual(ends));

    // a takes b's shards back; their pullers wait for their checkpoint reads while a's
    // checkpoint loop (every 100 ms) runs several times over every shard a holds.
    gated.hold();
    await rig.admin('POST', 'expire-consumer', { group: 'g', consumer: 'b' });
    await eventually(() => expect(a.stats().heldShards).toEqual([0, 1, 2, 3]));
    const beats = emulator.stats().calls.Heartbeat ?? 0;
    await eventually(() => expect(emulator.stats().calls.Heartbeat).toBeGreaterThanOrEqual(beats + 8));
    expect(await rig.checkpoints()).toEqual(ends);

    gated.open();
    await rig.generate(5000);
    stored = await rig.allStoredIds();
    await eventually(() => expect(pipelineA.requestIds.length + pipelineB.requestIds.length).toBeGreaterThanOrEqual(stored.length));
    await caughtUp(a);
    expectExactlyOnce([...pipelineA.requestIds, ...pipelineB.requestIds], stored);
  });
});
