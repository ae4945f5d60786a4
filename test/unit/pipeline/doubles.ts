// Test doubles of the pipeline's own interfaces (a sink or dead-letter file whose writes the
// test controls), pulled batches built with the real encoder, and a look at a promise's state.

import { encodeCursor } from '../../../src/sls/cursor.js';
import { encodeLogGroup, encodeLogGroupList } from '../../../src/sls/codec/log-group-encoder.js';
import type { LogGroupInput } from '../../../src/sls/types.js';
import type { PulledBatch } from '../../../src/pipeline/pulled-batch.js';

export interface WriteCall<T> {
  items: readonly T[];
  signal: AbortSignal | undefined;
  resolve(): void;
  reject(error: unknown): void;
}

/**
 * A write target whose writes end as the test says: at once (`auto`), with the next queued
 * failure, or when the test settles the call (`manual`). `written` holds what succeeded.
 */
export class ControlledTarget<T> {
  /** As a sink: one that takes records. */
  readonly input = 'records';
  readonly calls: WriteCall<T>[] = [];
  readonly written: T[] = [];
  mode: 'auto' | 'manual' = 'auto';
  /** Errors the next writes throw, first to last (auto mode). */
  readonly failures: unknown[] = [];
  /** The error of an item no write holding it gets past (auto mode), e.g. a value the table refuses; undefined lets it through. */
  refuse: (item: T) => unknown = () => undefined;

  write(items: readonly T[], signal?: AbortSignal): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const call: WriteCall<T> = {
        items: [...items],
        signal,
        resolve: () => {
          this.written.push(...items);
          resolve();
        },
        reject,
      };
      this.calls.push(call);
      if (this.mode === 'manual') return;
      let failure = this.failures.shift();
      for (const item of items) failure ??= this.refuse(item);
      if (failure === undefined) call.resolve();
      else reject(failure);
    });
  }

  call(index: number): WriteCall<T> {
    const call = this.calls[index];
    if (call === undefined) throw new Error(`no write #${index} yet (${this.calls.length} so far)`);
    return call;
  }
}

/** `count` logs with request ids `${prefix}-0..`, optional bad statuses at the given indexes. */
export function group(prefix: string, count: number, badStatusAt: readonly number[] = []): LogGroupInput {
  return {
    topic: 't',
    source: 's',
    logs: Array.from({ length: count }, (_, i) => ({
      time: 1_700_000_000,
      contents: [
        ['request_id', `${prefix}-${i}`],
        ['status', badStatusAt.includes(i) ? 'oops' : '200'],
        ['request_uri', `/r/${i}?p=${prefix}`],
      ] as const,
    })),
  };
}

/** A batch of `groups` read at cursor position `at` of `shard`. */
export function pulled(shard: number, at: bigint, groups: readonly LogGroupInput[]): PulledBatch {
  const logGroupList = encodeLogGroupList(groups.map((g) => encodeLogGroup(g)));
  return {
    shard,
    cursor: encodeCursor(at),
    nextCursor: encodeCursor(at + BigInt(groups.length)),
    logGroupList,
    logGroups: groups.length,
    rawSize: logGroupList.length,
  };
}

/** Settles to 'resolved', 'rejected' or 'pending' once pending callbacks ran. */
export async function state(promise: Promise<unknown>): Promise<string> {
  let result = 'pending';
  void promise.then(() => (result = 'resolved'), () => (result = 'rejected'));
  await new Promise<void>((resolve) => setImmediate(resolve));
  return result;
}
