// Failures on the way: injected 5xx, throttling and dropped connections on every call are
// retried until every record is delivered; an expired cursor restarts the shard at its
// oldest data with a warning that says so.

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../../src/emulator/index.js';
import type { SlsClient } from '../../../src/sls/client.js';
import { decodeCursor } from '../../../src/sls/cursor.js';
import { captureLog, expectExactlyOnce, type SourceRig, startSetup } from './harness.js';
import { RecordingPipeline } from './recording-pipeline.js';

let emulator: RunningEmulator;
let client: SlsClient;
let rig: SourceRig;

beforeEach(async () => ({ emulator, client, rig } = await startSetup({ shards: 4, generate: 20_000 })));
afterEach(() => rig.stop());

describe('retries', () => {
  it('10% 5xx, throttling and connection resets on every call: every record arrives once, and the checkpoints land', async () => {
    const { log, entries } = captureLog();
    // Random faults for the many calls, and counted ones so the few calls (one per shard or run, and
    // the heartbeats, whose number depends on how long the run takes) fail too whatever the timing.
    const counted = 'CreateConsumerGroup:503=1x,Heartbeat:503=1x,GetCursor:reset=2x,GetCheckPoint:403=2x,UpdateCheckPoint:500=2x';
    emulator.setFaults(`${counted},*:503=10%,*:500=5%,*:403=5%,*:reset=5%,*:truncate=3%,seed=7`);
    const pipeline = new RecordingPipeline();
    const source = rig.source(pipeline, { until: { kind: 'end' }, pullCount: 2, log });
    await expect(source.run()).resolves.toBe('end');
    await source.commitCheckpoints();
    emulator.setFaults('');

    expectExactlyOnce(pipeline.requestIds, await rig.allStoredIds());
    expect(await rig.checkpoints()).toEqual(await rig.endCursors());
    const faulted = emulator.stats().faults;
    for (const call of ['CreateConsumerGroup', 'Heartbeat', 'GetCheckPoint', 'GetCursor', 'PullLogs', 'UpdateCheckPoint']) {
      expect.soft(faulted[call] ?? 0, `faults injected into ${call}`).toBeGreaterThan(0);
    }
    expect(source.stats().retries).toBeGreaterThan(10);
    const warnings = entries.filter((entry) => entry.level === 40 && /retrying/.test(entry.msg));
    expect(warnings.length).toBe(source.stats().retries);
    expect(warnings.map((entry) => entry.code)).toEqual(expect.arrayContaining(['ServerBusy', 'ShardReadQuotaExceed', 'NetworkError']));
  });

  it('a call that keeps failing past retryTimeoutMs fails the run with its error', async () => {
    emulator.setFaults('Heartbeat:503');
    const source = rig.source(new RecordingPipeline(), { retryTimeoutMs: 200 });
    await expect(source.run()).rejects.toMatchObject({ code: 'ServerBusy', retryable: true });
  });
});

describe('an expired cursor', () => {
  it('restarts the shard at its oldest data kept, with a warning naming the shard, the old cursor and the new one', async () => {
    const first = rig.source(new RecordingPipeline(), { until: { kind: 'end' } });
    await expect(first.run()).resolves.toBe('end');
    await first.commitCheckpoints();
    await first.close();
    const committed = await rig.checkpoints();
    const checkpoint = committed.get(0) ?? '';

    // New logs arrive, then the retention drops shard 0's oldest groups, up to 2 past the checkpoint.
    const groupsBefore = Number(decodeCursor(checkpoint) - decodeCursor(await client.getCursor(emulator.logstore, 0, 'begin')));
    await rig.generate(20_000);
    const [expired] = (await rig.admin('POST', 'expire', { shard: 0, groups: groupsBefore + 2 })) as Array<{ firstLive: string }>;
    const begin = expired?.firstLive ?? '';
    expect(begin).toBe(await client.getCursor(emulator.logstore, 0, 'begin'));

    const { log, entries } = captureLog();
    const pipeline = new RecordingPipeline();
    await expect(rig.source(pipeline, { until: { kind: 'end' }, log }).run()).resolves.toBe('end');
    const warning = entries.find((entry) => entry.level === 40 && /InvalidCursor/.test(entry.msg));
    expect(warning).toMatchObject({ shard: 0, cursor: checkpoint, restartAt: begin });
    expect(warning?.msg).toContain(checkpoint);
    expect(pipeline.batchesOf(0)[0]?.cursor).toBe(begin);
    const rest = await Promise.all([1, 2, 3].map((shard) => rig.storedIds(shard, committed.get(shard))));
    expectExactlyOnce(pipeline.requestIds, [...(await rig.storedIds(0, begin)), ...rest.flat()]);
  });
});
