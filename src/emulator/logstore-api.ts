// The control-plane calls that `@alicloud/log` and setup scripts make: create a project,
// create / list / get / delete a logstore. Only what a consumer's test setup needs.

import { SlsError } from '../sls/errors.js';
import type { EmulatorContext } from './context.js';
import { jsonObjectBody, type EmulatorRequest } from './request.js';
import { emptyReply, jsonReply, type Reply } from './responses.js';

const DEFAULT_TTL_DAYS = 30;
const DEFAULT_SHARDS = 2;

/** `POST /` with `{"projectName": ...}` (sent without a project in the Host). */
export function createProject(req: EmulatorRequest, ctx: EmulatorContext): Reply {
  const name = jsonObjectBody(req, 'PostBodyInvalid').projectName;
  if (typeof name !== 'string') throw bodyInvalid('projectName must be a string');
  ctx.store.createProject(name);
  return emptyReply();
}

/** `POST /logstores` with `{"logstoreName", "ttl", "shardCount"}`; ttl and shardCount may be absent. */
export function createLogstore(req: EmulatorRequest, ctx: EmulatorContext): Reply {
  const body = jsonObjectBody(req, 'PostBodyInvalid');
  if (typeof body.logstoreName !== 'string') throw bodyInvalid('logstoreName must be a string');
  const ttl = body.ttl ?? DEFAULT_TTL_DAYS;
  const shardCount = body.shardCount ?? DEFAULT_SHARDS;
  if (typeof ttl !== 'number' || typeof shardCount !== 'number') throw bodyInvalid('ttl and shardCount must be numbers');
  ctx.store.createLogstore(req.project, body.logstoreName, { ttl, shardCount });
  return emptyReply();
}

export function listLogstores(req: EmulatorRequest, ctx: EmulatorContext): Reply {
  const names = ctx.store.logstores(req.project).map((logstore) => logstore.name);
  return jsonReply({ count: names.length, total: names.length, logstores: names });
}

export function getLogstore(req: EmulatorRequest, ctx: EmulatorContext, name: string): Reply {
  const logstore = ctx.store.logstore(req.project, name);
  return jsonReply({
    logstoreName: logstore.name,
    ttl: logstore.ttl,
    shardCount: logstore.shards().filter((shard) => !shard.readonly).length,
    createTime: logstore.createTime,
    lastModifyTime: logstore.createTime,
  });
}

export function deleteLogstore(req: EmulatorRequest, ctx: EmulatorContext, name: string): Reply {
  ctx.store.deleteLogstore(req.project, name);
  return emptyReply();
}

function bodyInvalid(message: string): SlsError {
  return new SlsError({ code: 'PostBodyInvalid', status: 400, message });
}
