// A shard split while sluice runs: the parent turns readonly. sluice reads it to its end,
// commits the end cursor as its checkpoint and releases it (the official consumers keep such
// shards forever); the children are read from their start. Every record of the parent and
// of the children is delivered exactly once.

import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { ShardInfo } from '../../src/sls/types.js';
import { expectExactlyOnce } from '../helpers/delivery.js';
import { RunRig } from '../helpers/run-rig.js';
import { readSink, requestIds, waitForSinkLines } from '../helpers/sink-file.js';
import { readShard } from '../helpers/sls-readback.js';

const GROUP = 'split';

let rig: RunRig;

beforeAll(async () => {
  // Logs keep arriving (in ~400-log groups every 200 ms) before, during and after the split.
  rig = await RunRig.start({ generate: 20_000, rate: 2000, shards: 2 });
});
afterAll(() => rig.close());

async function checkpointOf(shard: number): Promise<{ checkpoint: string; consumer: string }> {
  const [info] = await rig.client.getCheckpoints(rig.logstore, GROUP, shard);
  if (info === undefined) throw new Error(`no checkpoint entry for shard ${shard}`);
  return info;
}

describe('sluice run: a shard split during the run', () => {
  it('finishes and releases the readonly parent, reads the children, delivers everything once', async () => {
    const output = rig.path('requests.ndjson');
    const run = rig.run(rig.writeConfig({ source: { consumerGroup: GROUP } }));
    await waitForSinkLines(output, 1);

    const [parent, ...children] = await rig.admin<ShardInfo[]>('POST', 'split', { shard: 0 });
    const parentEnd = await rig.client.getCursor(rig.logstore, parent!.shardID, 'end');
    // Finished: its checkpoint is its end cursor. Released: no consumer holds it any more.
    await vi.waitFor(async () => expect(await checkpointOf(parent!.shardID)).toMatchObject({ checkpoint: parentEnd, consumer: '' }), {
      timeout: 10_000,
      interval: 50,
    });
    // The children are read: records from each of them reached the sink.
    const childIds = children.map((c) => c.shardID);
    await vi.waitFor(() => expect(new Set(readSink(output).map((l) => l.shard))).toEqual(new Set([0, 1, ...childIds])), {
      timeout: 10_000,
      interval: 100,
    });

    run.child.kill('SIGTERM');
    expect(await run.exited, run.stderr()).toBe(0);
    // After a clean drain each checkpoint is exactly what was written: the sink must hold each
    // shard's logs from its beginning up to its checkpoint, once.
    const checkpoints = await rig.client.getCheckpoints(rig.logstore, GROUP);
    const expected = await Promise.all(
      checkpoints.map(({ shard, checkpoint }) => readShard(rig.client, rig.logstore, { shard, from: 'begin', to: checkpoint || 'begin' })),
    );
    expect(checkpoints.map((c) => c.shard).sort()).toEqual([0, 1, ...childIds].sort());
    expectExactlyOnce(requestIds(readSink(output)), expected.flat().map((log) => log.requestId));
  });
});
