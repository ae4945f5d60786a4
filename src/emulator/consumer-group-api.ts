// The consumer-group resource, sls-protocol.md §14: JSON in, bare JSON arrays out.

import { SlsError } from '../sls/errors.js';
import type { Logstore } from './logstore.js';
import { integerParam, jsonBody, jsonObjectBody, requiredParam, type EmulatorRequest } from './request.js';
import { emptyReply, jsonReply, type Reply } from './responses.js';

const JSON_INVALID = 'JsonInfoInvalid';

/** `{"consumerGroup": name, "timeout": seconds, "order": bool}`. */
export function createConsumerGroup(req: EmulatorRequest, logstore: Logstore): Reply {
  const body = jsonObjectBody(req, JSON_INVALID);
  const name = body.consumerGroup;
  if (typeof name !== 'string' || name === '') throw jsonInvalid('consumerGroup must be a non-empty string');
  logstore.createGroup({ name, timeout: timeoutOf(body.timeout) ?? invalidTimeout(), order: orderOf(body.order) ?? false });
  return emptyReply();
}

export function listConsumerGroups(logstore: Logstore): Reply {
  return jsonReply(logstore.groups());
}

/** `{"order": bool, "timeout": seconds}`, either key optional. */
export function updateConsumerGroup(req: EmulatorRequest, logstore: Logstore, name: string): Reply {
  const group = logstore.group(name);
  const body = jsonObjectBody(req, JSON_INVALID);
  const timeout = body.timeout === undefined ? undefined : (timeoutOf(body.timeout) ?? invalidTimeout());
  group.update({ timeout, order: orderOf(body.order) });
  return emptyReply();
}

export function deleteConsumerGroup(logstore: Logstore, name: string): Reply {
  logstore.deleteGroup(name);
  return emptyReply();
}

/** Body: the shard ids the consumer holds, a bare array (`[]` registers it). */
export function heartbeat(req: EmulatorRequest, logstore: Logstore, name: string): Reply {
  const group = logstore.group(name);
  const consumer = requiredParam(req.query, 'consumer');
  const held = req.body.byteLength === 0 ? [] : jsonBody(req, JSON_INVALID);
  if (!Array.isArray(held) || !held.every((id) => Number.isInteger(id))) {
    throw jsonInvalid('the heartbeat body must be a JSON array of shard ids, e.g. [0, 3]');
  }
  return jsonReply(group.heartbeat(consumer, held as number[]));
}

/** Body `{"shard": id, "checkpoint": cursor}`; `forceSuccess` is read case-insensitively (Python sends True). */
export function updateCheckpoint(req: EmulatorRequest, logstore: Logstore, name: string): Reply {
  const group = logstore.group(name);
  const body = jsonObjectBody(req, JSON_INVALID);
  if (!Number.isInteger(body.shard) || typeof body.checkpoint !== 'string') {
    throw jsonInvalid('the checkpoint body must be {"shard": <int>, "checkpoint": "<cursor>"}');
  }
  const force = (req.query.forceSuccess ?? 'true').toLowerCase() === 'true';
  group.updateCheckpoint(body.shard as number, body.checkpoint, req.query.consumer ?? '', force);
  return emptyReply();
}

/** Every shard's entry, or only `shard=N`'s (an unknown id gives an empty list). */
export function getCheckpoints(req: EmulatorRequest, logstore: Logstore, name: string): Reply {
  const group = logstore.group(name);
  const shard = req.query.shard;
  const only = shard === undefined || shard === '' ? undefined : integerParam(shard, 'shard', 0, Number.MAX_SAFE_INTEGER);
  return jsonReply(group.checkpoints(only));
}

function timeoutOf(value: unknown): number | undefined {
  return Number.isInteger(value) && (value as number) > 0 ? (value as number) : undefined;
}

function invalidTimeout(): never {
  throw jsonInvalid('timeout must be a positive integer of seconds');
}

function orderOf(value: unknown): boolean | undefined {
  if (value === undefined || typeof value === 'boolean') return value;
  throw jsonInvalid('order must be true or false');
}

function jsonInvalid(message: string): SlsError {
  return new SlsError({ code: JSON_INVALID, status: 400, message });
}
