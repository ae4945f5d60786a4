// Which API a request calls (sls-protocol.md §1.2): method, path and the `type` / `action`
// query that multiplexes the shard and consumer-group resources. The name found here is
// also what fault rules and stats use.

import * as groups from './consumer-group-api.js';
import type { EmulatorContext } from './context.js';
import * as control from './logstore-api.js';
import type { Logstore } from './logstore.js';
import { putLogs } from './put-logs.js';
import { integerParam, type EmulatorRequest } from './request.js';
import type { Reply } from './responses.js';
import * as shards from './shard-api.js';

export interface Route {
  /** The API name, e.g. `PullLogs`, `Heartbeat`. */
  call: string;
  handle: (req: EmulatorRequest, ctx: EmulatorContext) => Reply;
}

type LogstoreHandler = (req: EmulatorRequest, ctx: EmulatorContext, logstore: Logstore) => Reply;

/** The route of a request, or undefined when no SLS API matches it. */
export function findRoute(method: string, path: string, query: Record<string, string>): Route | undefined {
  // A trailing slash means a missing name (`.../consumergroups/`): SLS answers 405 to it.
  if (path.length > 1 && path.endsWith('/')) return undefined;
  const parts = path.split('/').filter((part) => part !== '');
  if (parts.length === 0) return method === 'POST' ? { call: 'CreateProject', handle: control.createProject } : undefined;
  if (parts[0] !== 'logstores' || parts.length > 4) return undefined;
  const [, name = '', resource, id] = parts;
  if (parts.length === 1) {
    if (method === 'GET') return { call: 'ListLogStore', handle: control.listLogstores };
    return method === 'POST' ? { call: 'CreateLogStore', handle: control.createLogstore } : undefined;
  }
  if (resource === undefined) return logstoreRoute(method, name, query);
  const on = (call: string, handle: LogstoreHandler): Route => ({
    call,
    handle: (req, ctx) => handle(req, ctx, ctx.store.logstore(req.project, name)),
  });
  if (resource === 'shards') return shardRoute(method, id, query, on);
  if (resource === 'consumergroups') return groupRoute(method, id, query, on);
  return undefined;
}

function logstoreRoute(method: string, name: string, query: Record<string, string>): Route | undefined {
  switch (method) {
    case 'GET':
      return query.type === undefined ? { call: 'GetLogStore', handle: (req, ctx) => control.getLogstore(req, ctx, name) } : undefined;
    case 'DELETE':
      return { call: 'DeleteLogStore', handle: (req, ctx) => control.deleteLogstore(req, ctx, name) };
    case 'POST': // Go's PutLogs without a hash key
      return { call: 'PutLogs', handle: (req, ctx) => putLogs(req, ctx, ctx.store.logstore(req.project, name), false) };
    default:
      return undefined;
  }
}

function shardRoute(method: string, id: string | undefined, query: Record<string, string>, on: (call: string, handle: LogstoreHandler) => Route): Route | undefined {
  if (id === undefined) return method === 'GET' ? on('ListShards', (_req, _ctx, ls) => shards.listShards(ls)) : undefined;
  if (method === 'POST' && (id === 'lb' || id === 'route')) return on('PutLogs', (req, ctx, ls) => putLogs(req, ctx, ls, id === 'route'));
  const shardId = (): number => integerParam(id, 'shard', 0, Number.MAX_SAFE_INTEGER);
  if (method === 'POST') {
    const call = query.action === 'merge' ? 'MergeShards' : 'SplitShard';
    return on(call, (req, _ctx, ls) => shards.splitOrMerge(req, ls, shardId()));
  }
  if (method !== 'GET') return undefined;
  switch (query.type) {
    case 'cursor':
      return on('GetCursor', (req, ctx, ls) => shards.getCursor(req, ctx, ls, shardId()));
    case 'cursor_time':
      return on('GetCursorTime', (req, ctx, ls) => shards.getCursorTime(req, ctx, ls, shardId()));
    case 'log': // Java, Python, current docs
    case 'logs': // Go, older docs
      return on('PullLogs', (req, ctx, ls) => ctx.pulls.pull(ls.shard(shardId()), req.query, req.headers['accept-encoding'], ctx.now()));
    default:
      return undefined;
  }
}

function groupRoute(method: string, name: string | undefined, query: Record<string, string>, on: (call: string, handle: LogstoreHandler) => Route): Route | undefined {
  if (name === undefined) {
    if (method === 'GET') return on('ListConsumerGroup', (_req, _ctx, ls) => groups.listConsumerGroups(ls));
    return method === 'POST' ? on('CreateConsumerGroup', (req, _ctx, ls) => groups.createConsumerGroup(req, ls)) : undefined;
  }
  switch (method) {
    case 'GET':
      return on('GetCheckPoint', (req, _ctx, ls) => groups.getCheckpoints(req, ls, name));
    case 'PUT':
      return on('UpdateConsumerGroup', (req, _ctx, ls) => groups.updateConsumerGroup(req, ls, name));
    case 'DELETE':
      return on('DeleteConsumerGroup', (_req, _ctx, ls) => groups.deleteConsumerGroup(ls, name));
    case 'POST':
      if (query.type === 'heartbeat') return on('Heartbeat', (req, _ctx, ls) => groups.heartbeat(req, ls, name));
      return query.type === 'checkpoint' ? on('UpdateCheckPoint', (req, _ctx, ls) => groups.updateCheckpoint(req, ls, name)) : undefined;
    default:
      return undefined;
  }
}
