// Where a consumer group stands on each shard of its logstore, for `sluice shards`: the data
// the shard holds (begin and end cursors), the group's checkpoint, the consumer SLS names as
// holding the shard, and how far the checkpoint is behind the end, in log groups (cursors
// count one per log group) and in time (the receive times SLS gives the two cursors).

import type { SlsClient } from '../../sls/client.js';
import { decodeCursor } from '../../sls/cursor.js';
import { SlsError, sameCode } from '../../sls/errors.js';
import type { CheckpointInfo, ShardInfo } from '../../sls/types.js';

export interface GroupShardStatus extends ShardInfo {
  beginCursor: string;
  endCursor: string;
  /** The group's checkpoint: where its next read of the shard starts; null when it has none. */
  checkpoint: string | null;
  /** The consumer SLS names as holding the shard; null when nobody holds it. */
  consumer: string | null;
  /** Log groups between the checkpoint and the end; null without a checkpoint. */
  lagLogGroups: number | null;
  /** Receive time of the end minus that of the checkpoint, in seconds; null without a checkpoint, or when SLS no longer keeps the checkpoint's data. */
  lagSeconds: number | null;
}

export interface GroupStatus {
  /** False when the consumer group does not exist (yet): no shard has a checkpoint then. */
  groupExists: boolean;
  shards: GroupShardStatus[];
}

/** Every shard of `logstore` as `group` sees it. */
export async function readGroupStatus(client: SlsClient, logstore: string, group: string): Promise<GroupStatus> {
  const [shards, checkpoints] = await Promise.all([client.listShards(logstore), groupCheckpoints(client, logstore, group)]);
  const groupExists = !(checkpoints instanceof SlsError);
  const byShard = new Map((groupExists ? checkpoints : []).map((entry) => [entry.shard, entry]));
  const rows = await Promise.all(shards.map((shard) => shardStatus(client, logstore, shard, byShard.get(shard.shardID))));
  return { groupExists, shards: rows };
}

/** The group's checkpoints; when the group does not exist, SLS's ConsumerGroupNotExist error (returned, for the caller to judge). */
export async function groupCheckpoints(client: SlsClient, logstore: string, group: string): Promise<CheckpointInfo[] | SlsError> {
  try {
    return await client.getCheckpoints(logstore, group);
  } catch (error) {
    if (error instanceof SlsError && sameCode(error.code, 'ConsumerGroupNotExist')) return error;
    throw error;
  }
}

async function shardStatus(client: SlsClient, logstore: string, shard: ShardInfo, entry: CheckpointInfo | undefined): Promise<GroupShardStatus> {
  const [beginCursor, endCursor] = await Promise.all([client.getCursor(logstore, shard.shardID, 'begin'), client.getCursor(logstore, shard.shardID, 'end')]);
  const checkpoint = entry === undefined || entry.checkpoint === '' ? null : entry.checkpoint;
  const consumer = entry === undefined || entry.consumer === '' ? null : entry.consumer;
  const lag = checkpoint === null ? { lagLogGroups: null, lagSeconds: null } : await lagOf(client, logstore, shard.shardID, checkpoint, endCursor);
  return { ...shard, beginCursor, endCursor, checkpoint, consumer, ...lag };
}

async function lagOf(
  client: SlsClient,
  logstore: string,
  shard: number,
  checkpoint: string,
  end: string,
): Promise<Pick<GroupShardStatus, 'lagLogGroups' | 'lagSeconds'>> {
  const lagLogGroups = Number(decodeCursor(end) - decodeCursor(checkpoint));
  if (lagLogGroups <= 0) return { lagLogGroups: 0, lagSeconds: 0 };
  try {
    const [checkpointTime, endTime] = await Promise.all([client.getCursorTime(logstore, shard, checkpoint), client.getCursorTime(logstore, shard, end)]);
    return { lagLogGroups, lagSeconds: Math.max(0, endTime - checkpointTime) };
  } catch (error) {
    // The checkpoint's data has expired (TTL): the next run starts over at the shard's begin.
    if (error instanceof SlsError && sameCode(error.code, 'InvalidCursor')) return { lagLogGroups, lagSeconds: null };
    throw error;
  }
}
