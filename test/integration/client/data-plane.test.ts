// SlsClient's data-plane calls against the real emulator over HTTP, signed with v1 and v4.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from '../../../src/emulator/index.js';
import { SlsClient } from '../../../src/sls/client.js';
import { decodeCursor, offsetCursor } from '../../../src/sls/cursor.js';
import type { CompressType, LogGroupInput, ShardInfo } from '../../../src/sls/types.js';

const KEY = { accessKeyId: 'it-access-key', accessKeySecret: 'it-access-secret' };
const START_MS = Date.UTC(2026, 0, 2, 3, 4, 5);
const COMPRESSIONS: CompressType[] = ['lz4', 'zstd', 'deflate', 'none'];

let emulator: RunningEmulator;
let nowMs = START_MS;

beforeAll(async () => {
  emulator = await startEmulator({ ...KEY, shards: 2, clock: () => nowMs });
});
afterAll(() => emulator.close());

function group(tag: string, logs = 2): LogGroupInput {
  return {
    topic: `topic-${tag}`,
    source: '10.0.0.7',
    tags: [['__pack_id__', `pack-${tag}`]],
    logs: Array.from({ length: logs }, (_, i) => ({
      time: 1_767_322_000 + i,
      timeNs: i,
      contents: [
        ['request_uri', `/item/${tag}/${i}?q=ü`],
        ['status', String(200 + i)],
      ] as const,
    })),
  };
}

describe.each([
  ['v1', {}],
  ['v4', { signatureVersion: 'v4' as const, region: 'cn-hangzhou' }],
])('SlsClient data plane, %s signatures', (version, signing) => {
  let client: SlsClient;
  let shards: ShardInfo[];
  const logstore = (): string => emulator.logstore;
  const shardZero = (): ShardInfo => shards[0] as ShardInfo;

  beforeAll(async () => {
    client = new SlsClient({ endpoint: emulator.url, project: emulator.project, credentials: KEY, now: () => new Date(nowMs), ...signing });
    shards = await client.listShards(logstore());
  });
  afterAll(() => client.close());

  it('lists the shards with their key ranges', () => {
    expect(shards.map((s) => [s.shardID, s.status])).toEqual([
      [0, 'readwrite'],
      [1, 'readwrite'],
    ]);
    expect(shards[0]?.inclusiveBeginKey).toBe('00000000000000000000000000000000');
    expect(shards[1]?.exclusiveEndKey).toBe('ffffffffffffffffffffffffffffffff');
  });

  it.each(COMPRESSIONS)('writes with %s and reads back every field with each response compression', async (putCompression) => {
    const begin = await client.getCursor(logstore(), 0, 'end');
    const written = group(`${version}-${putCompression}`);
    await client.putLogs(logstore(), written, { hashKey: shardZero().inclusiveBeginKey, compression: putCompression });
    for (const compression of COMPRESSIONS) {
      const pulled = await client.pullRecords(logstore(), 0, { cursor: begin, compression });
      expect(pulled.count).toBe(1);
      expect(pulled.nextCursor).toBe(offsetCursor(begin, 1));
      expect(pulled.readLastCursor).toBe(begin);
      expect(pulled.records).toEqual(
        written.logs.map((log) => ({
          time: log.time,
          timeNs: log.timeNs,
          topic: written.topic,
          source: written.source,
          tags: { __pack_id__: `pack-${version}-${putCompression}` },
          fields: Object.fromEntries(log.contents),
          group: 0,
        })),
      );
    }
  });

  it('routes by hash key to the shard whose range holds it', async () => {
    const shardOne = shards[1] as ShardInfo;
    const before = await client.getCursor(logstore(), 1, 'end');
    await client.putLogs(logstore(), group('routed'), { hashKey: shardOne.inclusiveBeginKey });
    expect(decodeCursor(await client.getCursor(logstore(), 1, 'end')) - decodeCursor(before)).toBe(1n);
  });

  it('reports caught up as next cursor == requested cursor, at the end of the shard', async () => {
    const end = await client.getCursor(logstore(), 0, 'end');
    const pulled = await client.pullLogs(logstore(), 0, { cursor: end });
    expect([pulled.count, pulled.nextCursor, pulled.endOfCursor, pulled.rawSize, pulled.logGroupList.byteLength]).toEqual([0, end, true, 0, 0]);
  });

  it('stops at end_cursor and honours count', async () => {
    const start = await client.getCursor(logstore(), 0, 'end');
    for (const tag of ['a', 'b', 'c']) await client.putLogs(logstore(), group(tag, 1), { hashKey: shardZero().inclusiveBeginKey });
    const stop = offsetCursor(start, 2);
    const bounded = await client.pullRecords(logstore(), 0, { cursor: start, endCursor: stop });
    expect([bounded.count, bounded.nextCursor, bounded.endOfCursor]).toEqual([2, stop, false]);
    expect(bounded.records.map((r) => r.topic)).toEqual(['topic-a', 'topic-b']);
    const one = await client.pullLogs(logstore(), 0, { cursor: start, count: 1 });
    expect([one.count, one.nextCursor]).toEqual([1, offsetCursor(start, 1)]);
  });

  it('finds cursors by receive time and tells the receive time of a cursor', async () => {
    nowMs += 60_000;
    const receivedAt = Math.floor(nowMs / 1000);
    const expected = await client.getCursor(logstore(), 0, 'end');
    await client.putLogs(logstore(), group('timed'), { hashKey: shardZero().inclusiveBeginKey });
    nowMs += 5_000; // a time at or after "now" means the end cursor
    expect(await client.getCursor(logstore(), 0, receivedAt)).toBe(expected);
    expect(await client.getCursor(logstore(), 0, receivedAt - 1)).toBe(expected);
    expect(await client.getCursorTime(logstore(), 0, expected)).toBe(receivedAt);
    expect(decodeCursor(await client.getCursor(logstore(), 0, 'begin'))).toBeLessThan(decodeCursor(expected));
  });

  it('sends nothing for an empty group and refuses a malformed hash key before sending', async () => {
    const end = await client.getCursor(logstore(), 0, 'end');
    await client.putLogs(logstore(), { logs: [] });
    expect(await client.getCursor(logstore(), 0, 'end')).toBe(end);
    await expect(client.putLogs(logstore(), group('x'), { hashKey: 'not-hex' })).rejects.toMatchObject({ code: 'ParameterInvalid', retryable: false });
  });
});

describe('SlsClient reading generated traffic', () => {
  it('reads every record of every shard from begin to end, 1000 groups at a time', async () => {
    const loaded = await startEmulator({ ...KEY, shards: 3, generate: 6000 });
    const client = new SlsClient({ endpoint: loaded.url, project: loaded.project, credentials: KEY });
    try {
      let records = 0;
      for (const shard of await client.listShards(loaded.logstore)) {
        const end = await client.getCursor(loaded.logstore, shard.shardID, 'end');
        for (let cursor = await client.getCursor(loaded.logstore, shard.shardID, 'begin'); cursor !== end; ) {
          const pulled = await client.pullRecords(loaded.logstore, shard.shardID, { cursor });
          records += pulled.records.length;
          cursor = pulled.nextCursor;
        }
      }
      expect(records).toBe(6000);
    } finally {
      client.close();
      await loaded.close();
    }
  });
});
