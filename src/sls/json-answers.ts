// Shape checks for the JSON answers of sls-protocol.md §8, §9 and §14. A 200 whose body
// does not have the documented shape is treated like a corrupt body (retryable), and
// becomes our typed value here so nothing above has to trust `unknown`.

import { CorruptDataError } from './errors.js';
import type { CheckpointInfo, ConsumerGroupInfo, ShardInfo } from './types.js';

type Json = Record<string, unknown>;

export function shardsFrom(value: unknown, what: string): ShardInfo[] {
  return arrayOf(value, what).map((item) => {
    const o = object(item, what);
    return {
      shardID: integer(o.shardID, what, 'shardID'),
      status: o.status === 'readonly' ? 'readonly' : 'readwrite',
      inclusiveBeginKey: text(o.inclusiveBeginKey, what, 'inclusiveBeginKey'),
      exclusiveEndKey: text(o.exclusiveEndKey, what, 'exclusiveEndKey'),
      createTime: integer(o.createTime ?? 0, what, 'createTime'),
    };
  });
}

export function cursorFrom(value: unknown, what: string): string {
  return text(object(value, what).cursor, what, 'cursor');
}

export function cursorTimeFrom(value: unknown, what: string): number {
  return integer(object(value, what).cursor_time, what, 'cursor_time');
}

export function consumerGroupsFrom(value: unknown, what: string): ConsumerGroupInfo[] {
  return arrayOf(value, what).map((item) => {
    const o = object(item, what);
    return { name: text(o.name, what, 'name'), timeout: integer(o.timeout, what, 'timeout'), order: o.order === true };
  });
}

export function shardIdsFrom(value: unknown, what: string): number[] {
  return arrayOf(value, what).map((id) => integer(id, what, 'shard id'));
}

export function checkpointsFrom(value: unknown, what: string): CheckpointInfo[] {
  return arrayOf(value, what).map((item) => {
    const o = object(item, what);
    return {
      shard: integer(o.shard, what, 'shard'),
      checkpoint: text(o.checkpoint ?? '', what, 'checkpoint'),
      updateTime: integer(o.updateTime ?? 0, what, 'updateTime'),
      consumer: text(o.consumer ?? '', what, 'consumer'),
    };
  });
}

function arrayOf(value: unknown, what: string): unknown[] {
  // An empty body stands for an empty list.
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw corrupt(what, 'a JSON array');
  return value;
}

function object(value: unknown, what: string): Json {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw corrupt(what, 'a JSON object');
  return value as Json;
}

function integer(value: unknown, what: string, field: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value)) throw corrupt(what, `an integer ${field}`);
  return value;
}

function text(value: unknown, what: string, field: string): string {
  if (typeof value !== 'string') throw corrupt(what, `a string ${field}`);
  return value;
}

function corrupt(what: string, expected: string): CorruptDataError {
  return new CorruptDataError(`${what}: the answer does not hold ${expected} where SLS documents one`);
}
