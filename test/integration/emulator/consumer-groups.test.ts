// The consumer-group API over real HTTP (sls-protocol.md §14, §16 items 6, 8–11), with the
// request shapes the captured Go and Python consumers send.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from '../../../src/emulator/index.js';
import { errorOf, send, type RawResponse } from './raw-http.js';

let emulator: RunningEmulator;
let clockMs = Date.now();
const GROUPS = '/logstores/access/consumergroups';

beforeAll(async () => {
  emulator = await startEmulator({ shards: 4, accessKeyId: 'test-ak', accessKeySecret: 'test-secret', clock: () => clockMs });
});
afterAll(() => emulator.close());

/** A JSON call as Python sends it (no x-log-bodyrawsize), or as Go does (`x-log-bodyrawsize: 0` over an uncompressed body). */
function json(method: string, path: string, body: unknown, query: Record<string, string> = {}, goStyle = false): Promise<RawResponse> {
  const headers: Record<string, string> = { 'content-type': 'application/json', ...(goStyle ? { 'x-log-bodyrawsize': '0' } : {}) };
  return send(emulator.port, { method, path, query, headers, body: JSON.stringify(body) });
}

function heartbeat(group: string, consumer: string, held: number[]): Promise<RawResponse> {
  return json('POST', `${GROUPS}/${group}`, held, { type: 'heartbeat', consumer }, true);
}

describe('consumer groups over HTTP', () => {
  beforeAll(async () => {
    expect((await json('POST', GROUPS, { consumerGroup: 'cg', timeout: 20, order: false })).status).toBe(200);
  });

  it('refuses a second group of the same name with 400 ConsumerGroupAlreadyExist', async () => {
    expect(errorOf(await json('POST', GROUPS, { consumerGroup: 'cg', timeout: 20, order: false }))).toMatchObject({
      status: 400,
      code: 'ConsumerGroupAlreadyExist',
    });
  });

  it('lists groups as a bare array with name, timeout and order', async () => {
    const res = await send(emulator.port, { path: GROUPS });
    expect(res.json()).toEqual([{ name: 'cg', timeout: 20, order: false }]);
  });

  it('registers a consumer with [] and answers with a bare array of its shards', async () => {
    const res = await heartbeat('cg', 'c1', []);
    expect(res.status).toBe(200);
    expect(res.json()).toEqual([0, 1, 2, 3]);
  });

  it('answers 400 NotExistConsumerWithBody to an unknown consumer reporting shards', async () => {
    expect(errorOf(await heartbeat('cg', 'stranger', [0]))).toMatchObject({ status: 400, code: 'NotExistConsumerWithBody' });
  });

  it('returns one checkpoint entry per shard, with "" and updateTime before any commit', async () => {
    const res = await send(emulator.port, { path: `${GROUPS}/cg` });
    const entries = res.json() as Array<Record<string, unknown>>;
    expect(entries.map((e) => e.shard)).toEqual([0, 1, 2, 3]);
    for (const entry of entries) expect(entry).toMatchObject({ checkpoint: '', updateTime: 0 });
  });

  it('stores a checkpoint with forceSuccess=True (Python) and returns it for ?shard=N', async () => {
    const cursor = ((await send(emulator.port, { path: '/logstores/access/shards/2', query: { type: 'cursor', from: 'end' } })).json() as { cursor: string }).cursor;
    const res = await json('POST', `${GROUPS}/cg`, { shard: 2, checkpoint: cursor }, { type: 'checkpoint', consumer: 'c1', forceSuccess: 'True' });
    expect(res.status).toBe(200);
    expect(res.body.byteLength).toBe(0);
    const entries = (await send(emulator.port, { path: `${GROUPS}/cg`, query: { shard: '2' } })).json();
    expect(entries).toEqual([{ shard: 2, checkpoint: cursor, updateTime: clockMs * 1000, consumer: 'c1' }]);
  });

  it('rejects a non-forced checkpoint from a consumer that does not hold the shard, and a non-base64 one', async () => {
    await heartbeat('cg', 'c2', []);
    const body = { shard: 0, checkpoint: 'MA==' };
    expect(errorOf(await json('POST', `${GROUPS}/cg`, body, { type: 'checkpoint', consumer: 'c2', forceSuccess: 'false' }))).toMatchObject({
      status: 400,
      code: 'ConsumerNotMatch',
    });
    expect(errorOf(await json('POST', `${GROUPS}/cg`, { shard: 0, checkpoint: '***' }, { type: 'checkpoint', consumer: 'c1', forceSuccess: 'true' }))).toMatchObject({
      status: 400,
      code: 'InvalidShardCheckPoint',
    });
  });

  it('moves the shards of a consumer that stops heartbeating once the group timeout has passed', async () => {
    await json('POST', GROUPS, { consumerGroup: 'failover', timeout: 20, order: false });
    await heartbeat('failover', 'a', []);
    await heartbeat('failover', 'b', []);
    const a = (await heartbeat('failover', 'a', [0, 1, 2, 3])).json() as number[];
    expect(a).toHaveLength(2);
    clockMs += 15_000; // b stays silent from here on; a keeps heartbeating
    expect((await heartbeat('failover', 'a', a)).json()).toEqual(a);
    clockMs += 6_000; // b silent for 21 s > 20 s timeout
    expect((await heartbeat('failover', 'a', a)).json()).toEqual([0, 1, 2, 3]);
  });

  it('drops a consumer on the admin API as if it had timed out: its next heartbeat with shards is refused', async () => {
    await json('POST', GROUPS, { consumerGroup: 'expiry', timeout: 60, order: false });
    const held = (await heartbeat('expiry', 'x', [])).json() as number[];
    const expired = await send(emulator.port, { method: 'POST', path: '/_emulator/expire-consumer', body: JSON.stringify({ group: 'expiry', consumer: 'x' }), sign: false });
    expect(expired.json()).toEqual({ expired: true });
    expect(errorOf(await heartbeat('expiry', 'x', held))).toMatchObject({ status: 400, code: 'NotExistConsumerWithBody' });
  });

  it('lists the live consumers of a group of another logstore on the admin API', async () => {
    const created = await json('POST', '/logstores', { logstoreName: 'second', shardCount: 1 });
    expect(created.status).toBe(200);
    await json('POST', '/logstores/second/consumergroups', { consumerGroup: 'side', timeout: 60, order: false });
    await json('POST', '/logstores/second/consumergroups/side', [], { type: 'heartbeat', consumer: 'reader' });
    const listed = await send(emulator.port, { path: '/_emulator/consumers', query: { group: 'side', logstore: 'second' }, sign: false });
    expect(listed.json()).toEqual(['reader']);
  });

  it('updates and deletes a group; a deleted group answers 404 ConsumerGroupNotExist', async () => {
    await json('POST', GROUPS, { consumerGroup: 'gone', timeout: 20, order: false });
    expect((await json('PUT', `${GROUPS}/gone`, { order: true, timeout: 30 })).status).toBe(200);
    expect((await send(emulator.port, { path: GROUPS })).json()).toContainEqual({ name: 'gone', timeout: 30, order: true });
    expect((await send(emulator.port, { method: 'DELETE', path: `${GROUPS}/gone` })).status).toBe(200);
    expect(errorOf(await heartbeat('gone', 'c1', []))).toMatchObject({ status: 404, code: 'ConsumerGroupNotExist' });
  });

  it('answers 405 InvalidMethod to a consumer-group call without a group name', async () => {
    expect(errorOf(await heartbeat('', 'c1', []))).toMatchObject({ status: 405, code: 'InvalidMethod' });
  });

  it('splits a shard: the parent turns readonly and the children get new ids', async () => {
    const res = await send(emulator.port, { method: 'POST', path: '/logstores/access/shards/3', query: { action: 'split', key: 'e'.padEnd(32, '0') } });
    const shards = res.json() as Array<{ shardID: number; status: string }>;
    expect(shards.map((s) => [s.shardID, s.status])).toEqual([[3, 'readonly'], [4, 'readwrite'], [5, 'readwrite']]);
    const listed = (await send(emulator.port, { path: '/logstores/access/shards' })).json() as Array<Record<string, unknown>>;
    expect(listed).toHaveLength(6);
    for (const shard of listed) expect(Object.keys(shard).sort()).toEqual(['createTime', 'exclusiveEndKey', 'inclusiveBeginKey', 'shardID', 'status']);
  });
});
