// The admin API, under /_emulator/ on the emulator's own port, unsigned: what tests and
// demos use to make things happen that a real SLS does on its own time. JSON bodies (the
// query for GET); `project` and `logstore` default to the ones the emulator was started with.
//
//   GET    /_emulator/stats                     counters (requests per call, logs served, ...)
//   GET    /_emulator/faults                    the fault rules in force
//   PUT    /_emulator/faults    {"spec": "..."}  replace the rules (spec language: faults.ts)
//   POST   /_emulator/faults    {"spec": "..."}  add rules
//   DELETE /_emulator/faults[?call=PullLogs]     clear all rules, or those of one call
//   POST   /_emulator/split     {"shard", "key"? | "shardCount"?}   split a shard (default: in two)
//   POST   /_emulator/merge     {"shard"}        merge a shard with its right neighbour
//   POST   /_emulator/expire    {"shard"?, "groups"?}   expire the oldest groups as the TTL
//                                               would (all of them unless `groups`), so
//                                               older cursors answer InvalidCursor
//   GET    /_emulator/consumers?group=G[&logstore=L&project=P]   live consumers of a consumer group
//   POST   /_emulator/expire-consumer {"group", "consumer"}   drop a consumer as if it timed out
//   POST   /_emulator/generate  {"logs"}        append generated nginx logs, received now
//   POST   /_emulator/clock     {"advanceMs"}   move the server clock forward

import { SlsError } from '../sls/errors.js';
import type { EmulatorContext } from './context.js';
import type { FaultPlan } from './faults.js';
import type { AppendSummary } from './generation.js';
import type { Logstore } from './logstore.js';
import { integerParam, jsonObjectBody, requiredParam, type EmulatorRequest } from './request.js';
import { jsonReply, type Reply } from './responses.js';

export interface AdminParts {
  ctx: EmulatorContext;
  faults: FaultPlan;
  defaultProject: string;
  defaultLogstore: string;
  generate(logstore: Logstore, logs: number): AppendSummary;
  advanceClock(ms: number): void;
}

type AdminHandler = (req: EmulatorRequest, parts: AdminParts) => unknown;

const HANDLERS: Readonly<Record<string, AdminHandler>> = {
  'GET stats': (_req, { ctx }) => ctx.stats,
  'GET faults': (_req, { faults }) => ({ rules: faults.describe() }),
  'PUT faults': (req, { faults }) => {
    faults.replace(specOf(req));
    return { rules: faults.describe() };
  },
  'POST faults': (req, { faults }) => {
    faults.add(specOf(req));
    return { rules: faults.describe() };
  },
  'DELETE faults': (req, { faults }) => {
    faults.clear(req.query.call || undefined);
    return { rules: faults.describe() };
  },
  'POST split': (req, parts) => {
    const body = bodyOf(req);
    const shard = integer(body.shard, 'shard');
    const how = typeof body.key === 'string' ? { key: body.key } : { shardCount: body.shardCount === undefined ? 2 : integer(body.shardCount, 'shardCount') };
    return logstoreOf(body, parts).split(shard, how);
  },
  'POST merge': (req, parts) => {
    const body = bodyOf(req);
    return logstoreOf(body, parts).merge(integer(body.shard, 'shard'));
  },
  'POST expire': (req, parts) => {
    const body = bodyOf(req);
    const logstore = logstoreOf(body, parts);
    const shards = body.shard === undefined ? logstore.shards() : [logstore.shard(integer(body.shard, 'shard'))];
    const expired = shards.map((shard) => {
      const groups = body.groups === undefined ? shard.end : integer(body.groups, 'groups');
      return { shard: shard.id, expired: shard.expireBefore(shard.firstLive + groups), firstLive: shard.cursorAt(shard.firstLive) };
    });
    return expired;
  },
  'GET consumers': (req, parts) => logstoreOf(req.query, parts).group(requiredParam(req.query, 'group')).consumers(),
  'POST expire-consumer': (req, parts) => {
    const body = bodyOf(req);
    const group = logstoreOf(body, parts).group(text(body.group, 'group'));
    return { expired: group.expireConsumer(text(body.consumer, 'consumer')) };
  },
  'POST generate': (req, parts) => {
    const body = bodyOf(req);
    return parts.generate(logstoreOf(body, parts), integer(body.logs, 'logs'));
  },
  'POST clock': (req, parts) => {
    parts.advanceClock(integer(bodyOf(req).advanceMs, 'advanceMs'));
    return { now: parts.ctx.now() };
  },
};

export function handleAdmin(req: EmulatorRequest, parts: AdminParts, prefix: string): Reply {
  const handler = HANDLERS[`${req.method} ${req.path.slice(prefix.length)}`];
  if (handler === undefined) {
    throw new SlsError({ code: 'InvalidMethod', status: 405, message: `${req.method} ${req.path} is not an emulator admin call` });
  }
  return jsonReply(handler(req, parts));
}

function logstoreOf(body: Record<string, unknown>, parts: AdminParts): Logstore {
  const project = body.project === undefined ? parts.defaultProject : text(body.project, 'project');
  const logstore = body.logstore === undefined ? parts.defaultLogstore : text(body.logstore, 'logstore');
  return parts.ctx.store.logstore(project, logstore);
}

/** A fault spec: JSON `{"spec": "..."}` or the spec as plain text. */
function specOf(req: EmulatorRequest): string {
  const raw = Buffer.from(req.body).toString('utf8').trim();
  if (!raw.startsWith('{')) return raw;
  return text(bodyOf(req).spec, 'spec');
}

function bodyOf(req: EmulatorRequest): Record<string, unknown> {
  return req.body.byteLength === 0 ? {} : jsonObjectBody(req, 'ParameterInvalid');
}

function integer(value: unknown, name: string): number {
  return integerParam(typeof value === 'number' ? String(value) : undefined, name, 0, Number.MAX_SAFE_INTEGER);
}

function text(value: unknown, name: string): string {
  if (typeof value !== 'string' || value === '') throw new SlsError({ code: 'ParameterInvalid', status: 400, message: `${name} must be a non-empty string` });
  return value;
}
