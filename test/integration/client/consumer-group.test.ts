// SlsClient's consumer-group calls (sls-protocol.md §14) against the real emulator.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from '../../../src/emulator/index.js';
import { SlsClient } from '../../../src/sls/client.js';
import { sameCode } from '../../../src/sls/errors.js';

const KEY = { accessKeyId: 'cg-access-key', accessKeySecret: 'cg-access-secret' };

let emulator: RunningEmulator;
let client: SlsClient;
let logstore: string;

beforeAll(async () => {
  emulator = await startEmulator({ ...KEY, shards: 2, generate: 20 });
  client = new SlsClient({ endpoint: emulator.url, project: emulator.project, credentials: KEY });
  logstore = emulator.logstore;
});
afterAll(async () => {
  client.close();
  await emulator.close();
});

describe('consumer groups', () => {
  it('create, report an existing name as ConsumerGroupAlreadyExist, list, update, delete', async () => {
    await client.createConsumerGroup(logstore, { name: 'cg-life', timeout: 60, order: false });
    await expect(client.createConsumerGroup(logstore, { name: 'cg-life', timeout: 60, order: false })).rejects.toSatisfy(
      (e: { code: string; status: number }) => sameCode(e.code, 'ConsumerGroupAlreadyExist') && e.status === 400,
    );
    expect(await client.listConsumerGroups(logstore)).toContainEqual({ name: 'cg-life', timeout: 60, order: false });
    await client.updateConsumerGroup(logstore, 'cg-life', { timeout: 30 });
    await client.updateConsumerGroup(logstore, 'cg-life', { order: true });
    expect(await client.listConsumerGroups(logstore)).toContainEqual({ name: 'cg-life', timeout: 30, order: true });
    await client.deleteConsumerGroup(logstore, 'cg-life');
    expect((await client.listConsumerGroups(logstore)).map((g) => g.name)).not.toContain('cg-life');
    await expect(client.deleteConsumerGroup(logstore, 'cg-life')).rejects.toMatchObject({ code: 'ConsumerGroupNotExist', status: 404 });
  });

  it('heartbeats register a consumer, hand out shards and refuse a stranger that claims shards', async () => {
    await client.createConsumerGroup(logstore, { name: 'cg-beat', timeout: 60, order: false });
    expect(await client.heartbeat(logstore, 'cg-beat', 'c-1', [])).toEqual([0, 1]);
    expect(await client.heartbeat(logstore, 'cg-beat', 'c-1', [0, 1])).toEqual([0, 1]);
    await expect(client.heartbeat(logstore, 'cg-beat', 'stranger', [0])).rejects.toMatchObject({ code: 'NotExistConsumerWithBody', status: 400 });
    await expect(client.heartbeat(logstore, 'no-group', 'c-1', [])).rejects.toMatchObject({ code: 'ConsumerGroupNotExist', status: 404 });
  });

  it('checkpoints: an empty entry per shard at first, then what was written, per shard or all', async () => {
    await client.createConsumerGroup(logstore, { name: 'cg-ckpt', timeout: 60, order: false });
    const initial = await client.getCheckpoints(logstore, 'cg-ckpt');
    expect(initial.map((c) => [c.shard, c.checkpoint])).toEqual([
      [0, ''],
      [1, ''],
    ]);
    await client.heartbeat(logstore, 'cg-ckpt', 'c-1', []);
    const cursor = await client.getCursor(logstore, 1, 'end');
    await client.updateCheckpoint(logstore, 'cg-ckpt', { shard: 1, checkpoint: cursor, consumer: 'c-1' });
    const [one] = await client.getCheckpoints(logstore, 'cg-ckpt', 1);
    expect(one).toMatchObject({ shard: 1, checkpoint: cursor, consumer: 'c-1' });
    expect(one?.updateTime).toBeGreaterThan(0);
    expect((await client.getCheckpoints(logstore, 'cg-ckpt')).map((c) => c.checkpoint)).toEqual(['', cursor]);
  });

  it('without forceSuccess, only the holder of a shard may move its checkpoint', async () => {
    await client.createConsumerGroup(logstore, { name: 'cg-hold', timeout: 60, order: false });
    expect(await client.heartbeat(logstore, 'cg-hold', 'holder', [])).toEqual([0, 1]);
    await client.heartbeat(logstore, 'cg-hold', 'idle', []);
    const cursor = await client.getCursor(logstore, 0, 'begin');
    await client.updateCheckpoint(logstore, 'cg-hold', { shard: 0, checkpoint: cursor, consumer: 'holder', forceSuccess: false });
    await expect(
      client.updateCheckpoint(logstore, 'cg-hold', { shard: 0, checkpoint: cursor, consumer: 'idle', forceSuccess: false }),
    ).rejects.toMatchObject({ code: 'ConsumerNotMatch', retryable: false });
  });
});
