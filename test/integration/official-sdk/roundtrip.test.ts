// What the official Node SDK writes, sluice's own PullLogs reads back unchanged: every log,
// field, topic, source, tag, time and TimeNs, including non-ASCII text and the invalid UTF-8
// the SDK produces for lone surrogates.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from '../../../src/emulator/index.js';
import { SlsClient } from '../../../src/sls/client.js';
import type { CompressType, LogRecord } from '../../../src/sls/types.js';
import { loopbackAgent, officialClient, type SdkLogGroup } from '../../helpers/official-sdk.js';

const KEY = { accessKeyId: 'roundtrip-ak', accessKeySecret: 'roundtrip-secret' };
const LOGSTORE = 'roundtrip';

// Values chosen to break naive decoders: empty, multi-byte UTF-8 of every length, a key
// shared by many logs (interning), long values, and lone surrogates (the SDK's protobufjs
// writer emits them as 3-byte sequences, which are not valid UTF-8; it keeps them only in
// strings under 40 characters).
const SPECIAL_VALUES = ['', 'ascii', 'café', '日志服务', '🚀 emoji', 'mixed é 日 🚀', 'x'.repeat(5000), 'lone \ud800 high', 'lone \udc00 low', '\udbff'];

function groups(): SdkLogGroup[] {
  return Array.from({ length: 12 }, (_, g): SdkLogGroup => ({
    topic: g % 3 === 0 ? '' : `topic-${g}-主题`,
    source: `10.0.0.${g}`,
    tags: [{ env: 'test', group: String(g) }, { 标签: SPECIAL_VALUES[g % SPECIAL_VALUES.length]! }],
    logs: Array.from({ length: 25 }, (_, i) => ({
      timestamp: 1_700_000_000 + g * 100 + i,
      ...(i % 2 === 0 ? { timestampNsPart: (g * 7919 + i * 104_729) % 1_000_000_000 } : {}),
      content: {
        id: `${g}-${i}`,
        request_uri: `/api/v${g}/items?id=${i}&q=%E6%97%A5`,
        value: SPECIAL_VALUES[(g + i) % SPECIAL_VALUES.length]!,
        [`key-${i % 4}-键`]: String(i),
      },
    })),
  }));
}

/** The record sluice should produce for each log the SDK wrote, keyed by the log's id. */
function expectedRecords(written: SdkLogGroup[]): Map<string, Omit<LogRecord, 'group'>> {
  const expected = new Map<string, Omit<LogRecord, 'group'>>();
  for (const group of written) {
    const tags = Object.assign({}, ...(group.tags ?? [])) as Record<string, string>;
    for (const log of group.logs) {
      expected.set(log.content.id!, {
        time: log.timestamp,
        timeNs: log.timestampNsPart,
        topic: group.topic ?? '',
        source: group.source ?? '',
        tags,
        fields: log.content,
      });
    }
  }
  return expected;
}

async function readAll(client: SlsClient, compression: CompressType): Promise<LogRecord[]> {
  const records: LogRecord[] = [];
  for (const shard of await client.listShards(LOGSTORE)) {
    const end = await client.getCursor(LOGSTORE, shard.shardID, 'end');
    let cursor = await client.getCursor(LOGSTORE, shard.shardID, 'begin');
    while (cursor !== end) {
      const pulled = await client.pullRecords(LOGSTORE, shard.shardID, { cursor, count: 5, compression });
      records.push(...pulled.records);
      cursor = pulled.nextCursor;
    }
  }
  return records;
}

let emulator: RunningEmulator;
const written = groups();

beforeAll(async () => {
  emulator = await startEmulator({ ...KEY, project: 'demo' });
  const sdk = officialClient(emulator.port, KEY);
  const agent = loopbackAgent();
  await sdk.createLogStore('demo', LOGSTORE, { ttl: 1, shardCount: 3 }, { agent });
  for (const group of written) await sdk.postLogStoreLogs('demo', LOGSTORE, group, { agent });
  agent.destroy();
});
afterAll(() => emulator.close());

describe('@alicloud/log writes, sluice reads', () => {
  it.each(['lz4', 'zstd', 'deflate', 'none'] as const)('returns every log unchanged with %s responses', async (compression) => {
    const client = new SlsClient({ endpoint: emulator.url, project: 'demo', credentials: KEY });
    try {
      const records = await readAll(client, compression);
      const expected = expectedRecords(written);
      expect(records).toHaveLength(expected.size);
      expect(new Set(records.map((r) => r.fields.id))).toEqual(new Set(expected.keys()));
      for (const { group: _group, ...record } of records) {
        expect(record).toStrictEqual(expected.get(record.fields.id!));
      }
    } finally {
      client.close();
    }
  });
});
