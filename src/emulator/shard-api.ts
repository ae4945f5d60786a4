// The shard resource (sls-protocol.md §8, §9): ListShards, SplitShard / MergeShards,
// GetCursor and GetCursorTime. PullLogs shares the resource and lives in pull-logs.ts.

import type { EmulatorContext } from './context.js';
import type { Logstore } from './logstore.js';
import { integerParam, invalid, requiredParam, type EmulatorRequest } from './request.js';
import { jsonReply, type Reply } from './responses.js';

export function listShards(logstore: Logstore): Reply {
  return jsonReply(logstore.shards().map((shard) => shard.info()));
}

/** `action=split` with `key=<hex>` or `shardCount=N`, or `action=merge` (with the right neighbour). */
export function splitOrMerge(req: EmulatorRequest, logstore: Logstore, shardId: number): Reply {
  const action = req.query.action;
  if (action === 'merge') return jsonReply(logstore.merge(shardId));
  if (action !== 'split') throw invalid(`action must be split or merge, got ${JSON.stringify(action)}`);
  const key = req.query.key;
  if (key !== undefined && key !== '') return jsonReply(logstore.split(shardId, { key }));
  return jsonReply(logstore.split(shardId, { shardCount: integerParam(req.query.shardCount, 'shardCount', 2, 64) }));
}

/** `from=begin|end|<unix seconds>`: by server receive time, not the time inside the logs. */
export function getCursor(req: EmulatorRequest, ctx: EmulatorContext, logstore: Logstore, shardId: number): Reply {
  const shard = logstore.shard(shardId);
  const from = requiredParam(req.query, 'from');
  let index: number;
  if (from === 'begin') index = shard.firstLive;
  else if (from === 'end') index = shard.end;
  else {
    const time = integerParam(from, 'from', 0, Number.MAX_SAFE_INTEGER);
    index = time * 1000 >= ctx.now() ? shard.end : shard.indexAtTime(time);
  }
  return jsonReply({ cursor: shard.cursorAt(index) });
}

/** The receive time of the group at `cursor`; at the end cursor, the time now. */
export function getCursorTime(req: EmulatorRequest, ctx: EmulatorContext, logstore: Logstore, shardId: number): Reply {
  const shard = logstore.shard(shardId);
  const index = shard.indexOf(requiredParam(req.query, 'cursor'));
  const time = index < shard.end ? shard.groups.receiveTime(index) : Math.floor(ctx.now() / 1000);
  return jsonReply({ cursor_time: time });
}
