// What the emulator holds, read back through sluice's own SLS client: the ground truth an
// end-to-end run is compared with. Reading it back (rather than re-deriving the generator)
// covers logs appended by `rate`, the admin `generate` call and shard splits alike.

import { SlsClient } from '../../src/sls/client.js';
import { decodeCursor, offsetCursor } from '../../src/sls/cursor.js';
import type { LogRecord } from '../../src/sls/types.js';

/** One stored log and its position, named as sluice's records name it. */
export interface StoredLog {
  shard: number;
  /** Cursor of the log's group. */
  cursor: string;
  /** Index of the log within its group. */
  index: number;
  requestId: string;
  /** The log as SLS returns it: its time and contents. */
  log: LogRecord;
}

/** Where to read a shard: from `from` (inclusive) to `to` (exclusive); cursors, or 'begin'/'end' now. */
export interface ShardRange {
  shard: number;
  from: string;
  to: string;
}

/** Every log of one shard between two cursors. */
export async function readShard(client: SlsClient, logstore: string, { shard, from, to }: ShardRange): Promise<StoredLog[]> {
  const logs: StoredLog[] = [];
  let cursor = from === 'begin' || from === 'end' ? await client.getCursor(logstore, shard, from) : from;
  const end = to === 'begin' || to === 'end' ? await client.getCursor(logstore, shard, to) : to;
  while (decodeCursor(cursor) < decodeCursor(end)) {
    const pulled = await client.pullRecords(logstore, shard, { cursor, endCursor: end });
    if (pulled.nextCursor === cursor) throw new Error(`shard ${shard}: PullLogs made no progress at ${cursor} before ${end}`);
    let group = -1;
    let index = 0;
    for (const record of pulled.records) {
      index = record.group === group ? index + 1 : 0;
      group = record.group;
      const requestId = record.fields.request_id;
      if (requestId === undefined) throw new Error(`shard ${shard}: a stored log has no request_id`);
      logs.push({ shard, cursor: offsetCursor(cursor, group), index, requestId, log: record });
    }
    cursor = pulled.nextCursor;
  }
  return logs;
}

/** Every log of every shard (readonly ones included), from begin to end as they are now. */
export async function readAllShards(client: SlsClient, logstore: string): Promise<StoredLog[]> {
  const shards = await client.listShards(logstore);
  const perShard = await Promise.all(shards.map(({ shardID }) => readShard(client, logstore, { shard: shardID, from: 'begin', to: 'end' })));
  return perShard.flat();
}

/** The request_ids of every stored log. */
export async function storedRequestIds(client: SlsClient, logstore: string): Promise<string[]> {
  return (await readAllShards(client, logstore)).map((log) => log.requestId);
}
