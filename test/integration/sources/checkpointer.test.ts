// The checkpointer against the emulator: a checkpoint only moves forward, a shard that is
// not ours any more is reported lost without retries, and writes of one shard keep their order.

import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../../src/emulator/index.js';
import type { SlsClient } from '../../../src/sls/client.js';
import { offsetCursor } from '../../../src/sls/cursor.js';
import { Checkpointer } from '../../../src/sources/sls/checkpointer.js';
import { Retrier } from '../../../src/sources/sls/retry.js';
import { type SourceRig, startSetup } from './harness.js';
import { RecordingPipeline } from './recording-pipeline.js';

let emulator: RunningEmulator;
let client: SlsClient;
const log = pino({ level: 'silent' });
const never = new AbortController().signal;

let rig: SourceRig;

beforeAll(async () => ({ emulator, client, rig } = await startSetup({ shards: 2, generate: 20_000 })));
afterAll(() => rig.stop());

async function setup(group: string): Promise<{ checkpointer: Checkpointer; lost: number[]; begin: string }> {
  const logstore = emulator.logstore;
  await client.createConsumerGroup(logstore, { name: group, timeout: 60, order: false });
  await client.heartbeat(logstore, group, 'holder', []);
  const lost: number[] = [];
  const retrier = new Retrier({ log, timeoutMs: 5000, backoff: { initialMs: 1, maxMs: 5 } });
  const acks = new RecordingPipeline();
  const checkpointer = new Checkpointer({ client, logstore, group, consumer: 'holder', acks, retrier, log, signal: never, onLost: (shard) => lost.push(shard) });
  return { checkpointer, lost, begin: await client.getCursor(logstore, 0, 'begin') };
}

async function stored(group: string): Promise<string | undefined> {
  return (await client.getCheckpoints(emulator.logstore, group, 0))[0]?.checkpoint;
}

describe('Checkpointer', () => {
  it('never moves a checkpoint back: an older cursor than the group holds is not written', async () => {
    const { checkpointer, begin } = await setup('forward');
    const later = offsetCursor(begin, 5);
    await client.updateCheckpoint(emulator.logstore, 'forward', { shard: 0, checkpoint: later, consumer: 'someone-else' });
    expect(await checkpointer.read(0, never)).toBe(later);
    await expect(checkpointer.commit(0, offsetCursor(begin, 3), false)).resolves.toBe('unchanged');
    await expect(checkpointer.commit(0, later, false)).resolves.toBe('unchanged');
    expect(await stored('forward')).toBe(later);
    await expect(checkpointer.commit(0, offsetCursor(begin, 6), false)).resolves.toBe('committed');
    expect(await stored('forward')).toBe(offsetCursor(begin, 6));
  });

  it('reports a shard held by another consumer as lost, without retrying', async () => {
    const { checkpointer, lost, begin } = await setup('lost');
    await client.heartbeat(emulator.logstore, 'lost', 'other', []);
    // holder had both shards; the answer keeps one, and reporting only that one gives the other away.
    const [mine = 0] = await client.heartbeat(emulator.logstore, 'lost', 'holder', [0, 1]);
    await client.heartbeat(emulator.logstore, 'lost', 'holder', [mine]);
    const theirs = mine === 0 ? 1 : 0;
    const writes = emulator.stats().calls.UpdateCheckPoint ?? 0;
    await expect(checkpointer.commit(theirs, offsetCursor(begin, 1), false)).resolves.toBe('lost');
    expect(lost).toEqual([theirs]);
    expect(emulator.stats().calls.UpdateCheckPoint).toBe(writes + 1);
  });

  it('writes of one shard go out one at a time, in the order they were asked for', async () => {
    const { checkpointer, begin } = await setup('order');
    const outcomes = await Promise.all([1, 2, 3].map((n) => checkpointer.commit(0, offsetCursor(begin, n), false)));
    expect(outcomes).toEqual(['committed', 'committed', 'committed']);
    expect(await stored('order')).toBe(offsetCursor(begin, 3));
  });
});
