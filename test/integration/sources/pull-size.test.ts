// A pull's size in bytes, not in log groups: memory holds one pull per shard, and a count of
// 1000 busy-agent groups (~550 logs each) would be whatever the server caps a pull at.

import { describe, expect, it } from 'vitest';
import { expectExactlyOnce, setupPerTest } from './harness.js';
import { RecordingPipeline } from './recording-pipeline.js';

const start = setupPerTest();

describe('pull size', () => {
  it('asks for the log groups that fit pullBytes at the size of the last pull, and still reads everything', async () => {
    const { rig } = await start({ shards: 1, generate: 20_000 });
    const pipeline = new RecordingPipeline();
    const pullBytes = 512 * 1024;
    await expect(rig.source(pipeline, { until: { kind: 'end' }, pullBytes }).run()).resolves.toBe('end');
    const [first, ...rest] = pipeline.batches;
    // Nothing is known of the shard's groups before the first pull: it asks for one.
    expect(first?.logGroups).toBe(1);
    expect(rest.length).toBeGreaterThan(3);
    const groupBytes = first?.rawSize ?? 0;
    for (const batch of rest) {
      // The generated groups differ in size by a few percent at most: a pull stays near its target.
      expect(batch.rawSize).toBeLessThan(pullBytes + groupBytes);
    }
    // Every pull but the shard's last (its remainder) fills most of the target.
    for (const batch of rest.slice(0, -1)) expect(batch.rawSize).toBeGreaterThan(pullBytes / 2);
    expectExactlyOnce(pipeline.requestIds, await rig.allStoredIds());
  });
});
