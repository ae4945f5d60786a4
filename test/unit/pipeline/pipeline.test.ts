// The pipeline as a source and the lifecycle see it: batches in, records durable in the sink
// or the dead-letter file, watermarks that never pass unwritten data, and a drain, a failure
// and an abort that each end in a known state.

import pino from 'pino';
import { describe, expect, it, vi } from 'vitest';
import type { RequestRecord } from '../../../src/parse/request-record.js';
import type { DeadLetter, DeadLetterEntry } from '../../../src/pipeline/dead-letter.js';
import { Pipeline, type PipelineOptions } from '../../../src/pipeline/pipeline.js';
import type { PulledBatch } from '../../../src/pipeline/pulled-batch.js';
import { REJECTED_DATA, SinkError } from '../../../src/sinks/sink-error.js';
import { encodeCursor } from '../../../src/sls/cursor.js';
import { ControlledTarget, group, pulled, state } from './doubles.js';
import { capturedLog } from './logs.js';

const LONG = 60_000;

function setup(options: Partial<PipelineOptions> = {}) {
  const sink = new ControlledTarget<RequestRecord>();
  const deadLetter = new ControlledTarget<DeadLetterEntry>();
  const pipeline = new Pipeline({
    sink,
    deadLetter,
    parse: { fields: 'all' },
    workers: 4,
    queueCapacity: 10_000,
    batch: { maxRecords: 10_000, maxBytes: 100_000_000, lingerMs: LONG },
    chunkRecords: 10,
    log: pino({ level: 'silent' }),
    backoff: { random: () => 0 },
    ...options,
  });
  return { pipeline, sink, deadLetter };
}

const ids = (records: readonly RequestRecord[]): unknown[] => records.map((record) => record.request_id);
const unavailable = (): SinkError => new SinkError({ code: 'Unavailable', retryable: true, message: 'down for a moment' });
const refusal = (id: unknown): SinkError => new SinkError({ code: REJECTED_DATA, retryable: false, message: `invalid input syntax for type integer in ${String(id)}` });
const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('Pipeline', () => {
  it('delivers every record once with its position, and moves the watermark to the last nextCursor', async () => {
    const { pipeline, sink } = setup();
    const first = pulled(2, 100n, [group('a', 3), group('b', 2)]);
    const second = pulled(2, 102n, [group('c', 4)]);
    pipeline.accept(first);
    pipeline.accept(second);
    await pipeline.drain();
    expect(ids(sink.written)).toEqual(['a-0', 'a-1', 'a-2', 'b-0', 'b-1', 'c-0', 'c-1', 'c-2', 'c-3']);
    expect(sink.written.map((r) => [r.shard, r.cursor, r.index])).toEqual([
      [2, encodeCursor(100n), 0], [2, encodeCursor(100n), 1], [2, encodeCursor(100n), 2],
      [2, encodeCursor(101n), 0], [2, encodeCursor(101n), 1],
      [2, encodeCursor(102n), 0], [2, encodeCursor(102n), 1], [2, encodeCursor(102n), 2], [2, encodeCursor(102n), 3],
    ]);
    expect(pipeline.watermark(2)).toBe(second.nextCursor);
    expect(pipeline.stats()).toMatchObject({ acceptedRecords: 9, ackedRecords: 9, inFlightRecords: 0, peakInFlightRecords: 9, queuedChunks: 0, activeWorkers: 0 });
  });

  it('gives the logs after an empty log group the cursor of their own group', async () => {
    const { pipeline, sink } = setup();
    pipeline.accept(pulled(0, 20n, [group('a', 1), group('none', 0), group('c', 2)]));
    await pipeline.drain();
    expect(sink.written.map((r) => [r.request_id, r.cursor, r.index])).toEqual([
      ['a-0', encodeCursor(20n), 0], ['c-0', encodeCursor(22n), 0], ['c-1', encodeCursor(22n), 1],
    ]);
  });

  it("combines the chunks of many workers into one commit, without waiting for the linger", async () => {
    const { pipeline, sink } = setup({ workers: 4, chunkRecords: 10 });
    pipeline.accept(pulled(0, 0n, [group('a', 40)]));
    await pipeline.drain();
    expect(sink.calls).toHaveLength(1);
    expect(sink.call(0).items).toHaveLength(40);
    expect(pipeline.stats()).toMatchObject({ commits: 1, ackedRecords: 40 });
  });

  it('gives an NDJSON sink the lines of the records, with the dead letters left out, the chunks of many workers in one write', async () => {
    const records = new ControlledTarget<RequestRecord>();
    const writes: Buffer[] = [];
    const ndjsonSink = { input: 'ndjson' as const, write: async (lines: readonly Buffer[]) => void writes.push(Buffer.concat(lines)) };
    const { pipeline: reference } = setup({ sink: records, chunkRecords: 3 });
    const { pipeline, deadLetter } = setup({ sink: ndjsonSink, chunkRecords: 3 });
    const batch = pulled(1, 40n, [group('a', 4), group('b', 5, [2])]);
    reference.accept(batch);
    pipeline.accept(batch);
    await Promise.all([reference.drain(), pipeline.drain()]);
    expect(writes).toHaveLength(1);
    expect(writes[0]?.toString()).toBe(records.written.map((record) => `${JSON.stringify(record)}\n`).join(''));
    expect(deadLetter.written.map((entry) => entry.log.fields.request_id)).toEqual(['b-2']);
    expect(pipeline.stats()).toMatchObject({ acceptedRecords: 9, ackedRecords: 8, deadLetteredRecords: 1, commits: 1 });
    expect(pipeline.watermark(1)).toBe(batch.nextCursor);
  });

  it('keeps the watermark behind a slow batch while later batches finish first', async () => {
    const { pipeline, sink, deadLetter } = setup();
    sink.mode = 'manual';
    const slow = pulled(1, 10n, [group('slow', 2)]);
    const dead = pulled(1, 11n, [group('dead', 2, [0, 1])]);
    const empty = pulled(1, 12n, []);
    pipeline.accept(slow);
    pipeline.accept(dead);
    pipeline.accept(empty);
    await vi.waitFor(() => expect(deadLetter.written).toHaveLength(2));
    expect(pipeline.watermark(1)).toBeUndefined();
    expect(await state(pipeline.settled(1))).toBe('pending');
    await vi.waitFor(() => expect(sink.calls).toHaveLength(1));
    sink.call(0).resolve();
    await pipeline.drain();
    expect(pipeline.watermark(1)).toBe(empty.nextCursor);
    expect(await state(pipeline.settled(1))).toBe('resolved');
  });

  it('writes the logs that fail to parse to the dead-letter file with reason and position, and acks them only once durable', async () => {
    const { pipeline, sink, deadLetter } = setup();
    deadLetter.mode = 'manual';
    const batch = pulled(0, 5n, [group('g0', 2), group('g1', 3, [1])]);
    pipeline.accept(batch);
    await vi.waitFor(() => expect(deadLetter.calls).toHaveLength(1));
    await vi.waitFor(() => expect(sink.written).toHaveLength(4));
    expect(pipeline.watermark(0)).toBeUndefined();
    const [entry] = deadLetter.call(0).items;
    expect(entry).toMatchObject({ reason: 'status "oops" is not an HTTP status', position: { shard: 0, cursor: encodeCursor(6n), index: 1 } });
    expect(entry?.log.fields).toMatchObject({ request_id: 'g1-1', status: 'oops' });
    deadLetter.call(0).resolve();
    await pipeline.drain();
    expect(pipeline.watermark(0)).toBe(batch.nextCursor);
    expect(ids(sink.written)).toEqual(['g0-0', 'g0-1', 'g1-0', 'g1-2']);
    expect(pipeline.stats()).toMatchObject({ acceptedRecords: 5, ackedRecords: 4, deadLetteredRecords: 1, inFlightRecords: 0 });
  });

  it('dead-letters a batch that cannot be decoded, without throwing', async () => {
    const { pipeline, sink, deadLetter } = setup();
    const batch: PulledBatch = { ...pulled(3, 7n, [group('x', 2)]), logGroupList: Uint8Array.of(0x0a, 0xff, 0x01) };
    expect(() => pipeline.accept(batch)).not.toThrow();
    await pipeline.drain();
    expect(sink.calls).toHaveLength(0);
    expect(deadLetter.written).toHaveLength(1);
    expect(deadLetter.written[0]?.reason).toMatch(/shard 3 from cursor .* could not be decoded/);
    expect(pipeline.watermark(3)).toBe(batch.nextCursor);
  });

  it('moves the watermark at once for a batch without logs', async () => {
    const { pipeline } = setup();
    const empty = pulled(4, 50n, []);
    pipeline.accept(empty);
    expect(pipeline.watermark(4)).toBe(empty.nextCursor);
    await expect(pipeline.drain()).resolves.toBeUndefined();
  });

  it('drain resolves only when everything accepted is acked, and rejects when its signal aborts first', async () => {
    const { pipeline, sink } = setup();
    sink.mode = 'manual';
    pipeline.accept(pulled(0, 0n, [group('a', 5)]));
    const drained = pipeline.drain();
    const controller = new AbortController();
    const abandoned = pipeline.drain(controller.signal);
    await vi.waitFor(() => expect(sink.calls).toHaveLength(1));
    expect(await state(drained)).toBe('pending');
    controller.abort(new Error('deadline'));
    await expect(abandoned).rejects.toThrow('deadline');
    sink.call(0).resolve();
    await expect(drained).resolves.toBeUndefined();
  });

  it('room() waits while records in flight reach the capacity, and resolves on the acks that make room', async () => {
    const { pipeline, sink } = setup({ queueCapacity: 10 });
    sink.mode = 'manual';
    const signal = new AbortController().signal;
    await expect(pipeline.room(signal)).resolves.toBeUndefined();
    pipeline.accept(pulled(0, 0n, [group('a', 25)]));
    const room = pipeline.room(signal);
    const aborted = new AbortController();
    const giveUp = pipeline.room(aborted.signal);
    aborted.abort(new Error('stop pulling'));
    await expect(giveUp).rejects.toThrow('stop pulling');
    await vi.waitFor(() => expect(sink.calls).toHaveLength(1));
    expect(await state(room)).toBe('pending');
    sink.call(0).resolve();
    await expect(room).resolves.toBeUndefined();
    expect(pipeline.stats()).toMatchObject({ inFlightRecords: 0, peakInFlightRecords: 25 });
  });

  it('survives a sink that fails and recovers: nothing lost, nothing acked written twice', async () => {
    const { pipeline, sink } = setup({ workers: 2, chunkRecords: 5, batch: { maxRecords: 5, maxBytes: 1e9, lingerMs: LONG } });
    sink.failures.push(unavailable(), undefined, unavailable(), unavailable());
    const batches = [pulled(0, 0n, [group('a', 10)]), pulled(0, 1n, [group('b', 5)]), pulled(1, 0n, [group('c', 5)])];
    for (const batch of batches) pipeline.accept(batch);
    await pipeline.drain();
    expect(ids(sink.written).sort()).toEqual([...range('a', 10), ...range('b', 5), ...range('c', 5)].sort());
    expect(new Set(ids(sink.written)).size).toBe(20);
    expect(pipeline.watermark(0)).toBe(batches[1]?.nextCursor);
    expect(pipeline.watermark(1)).toBe(batches[2]?.nextCursor);
    expect(pipeline.stats()).toMatchObject({ commits: 4, commitFailures: 3, ackedRecords: 20 });
  });

  it('counts per shard what was pulled and written, write failures by code, and tells onCommit of each durable commit', async () => {
    const commits: number[] = [];
    const { pipeline, sink } = setup({
      workers: 2,
      chunkRecords: 5,
      batch: { maxRecords: 5, maxBytes: 1e9, lingerMs: LONG },
      onCommit: ({ records, seconds }) => {
        expect(seconds).toBeGreaterThanOrEqual(0);
        commits.push(records);
      },
    });
    sink.failures.push(unavailable(), undefined, unavailable(), unavailable());
    const batches = [pulled(0, 0n, [group('a', 10)]), pulled(0, 1n, [group('b', 5)]), pulled(1, 0n, [group('c', 5)])];
    for (const batch of batches) pipeline.accept(batch);
    await pipeline.drain();
    const { shards, failuresByCode } = pipeline.breakdown();
    expect(shards.map((flow) => [flow.shard, flow.pulledRecords, flow.writtenRecords, flow.deadLettered])).toEqual([
      [0, 15, 15, 0],
      [1, 5, 5, 0],
    ]);
    expect(shards.map((flow) => flow.pulledBytes)).toEqual([batches[0]!.rawSize + batches[1]!.rawSize, batches[2]!.rawSize]);
    // Written bytes are each chunk's share of its pull, rounded: within a byte per chunk of what was pulled.
    for (const flow of shards) expect(Math.abs(flow.writtenBytes - flow.pulledBytes)).toBeLessThanOrEqual(flow.pulledRecords / 5);
    expect(failuresByCode).toEqual({ sink: { Unavailable: 3 }, deadLetter: {} });
    expect(commits).toEqual([5, 5, 5, 5]);
  });

  it('on a permanent sink error: `failed` rejects with it, drain rejects, and the watermark stays before the unwritten data', async () => {
    const { pipeline, sink } = setup({ chunkRecords: 5, batch: { maxRecords: 5, maxBytes: 1e9, lingerMs: LONG } });
    const fatal = new SinkError({ code: 'DiskFull', retryable: false, message: 'no space left' });
    sink.failures.push(undefined, fatal);
    const first = pulled(0, 0n, [group('a', 5)]);
    pipeline.accept(first);
    pipeline.accept(pulled(0, 1n, [group('b', 5)]));
    await expect(pipeline.failed).rejects.toBe(fatal);
    expect(pipeline.watermark(0)).toBe(first.nextCursor);
    await expect(pipeline.drain()).rejects.toBe(fatal);
    pipeline.accept(pulled(0, 2n, [group('c', 5)]));
    await vi.waitFor(() => expect(pipeline.stats().activeWorkers).toBe(0));
    expect(pipeline.watermark(0)).toBe(first.nextCursor);
    expect(ids(sink.written)).toEqual(range('a', 5));
    expect(sink.calls).toHaveLength(2);
  });

  it('does not leave an unhandled rejection when no one awaits `failed`', async () => {
    const { pipeline, sink } = setup();
    const fatal = new SinkError({ code: 'PermissionDenied', retryable: false, message: 'read-only file system' });
    sink.failures.push(fatal);
    pipeline.accept(pulled(0, 0n, [group('a', 3)]));
    // Only drain() is awaited; an unhandled rejection of `failed` would fail this test run.
    await expect(pipeline.drain()).rejects.toBe(fatal);
  });

  it('abort() during a commit aborts the write; nothing more is acked and a pending drain rejects', async () => {
    const { pipeline, sink } = setup({ chunkRecords: 5, batch: { maxRecords: 5, maxBytes: 1e9, lingerMs: LONG } });
    sink.mode = 'manual';
    pipeline.accept(pulled(0, 0n, [group('a', 5)]));
    pipeline.accept(pulled(0, 1n, [group('b', 30)]));
    const drained = pipeline.drain();
    await vi.waitFor(() => expect(sink.calls).toHaveLength(1));
    pipeline.abort();
    expect(sink.call(0).signal?.aborted).toBe(true);
    await expect(drained).rejects.toMatchObject({ code: 'Aborted' });
    sink.call(0).resolve();
    await vi.waitFor(() => expect(pipeline.stats().activeWorkers).toBe(0));
    expect(pipeline.watermark(0)).toBeUndefined();
    expect(pipeline.stats()).toMatchObject({ ackedRecords: 0, queuedChunks: 0 });
    expect(sink.calls).toHaveLength(1);
    await expect(pipeline.drain()).rejects.toMatchObject({ code: 'Aborted' });
    expect(await state(pipeline.failed)).toBe('pending');
  });
});

describe('Pipeline when the sink fails', () => {
  it('retries a sink that is down for minutes until it works again: every record once, the outage logged without a flood', async () => {
    let now = 0;
    const captured = capturedLog();
    const { pipeline, sink } = setup({ log: captured.log, now: () => now });
    const write = sink.write.bind(sink);
    // Each attempt takes 10 s of the clock: 20 failures are 200 s, past the 60 s the pipeline used to give up at.
    sink.write = (items, signal) => {
      now += 10_000;
      return write(items, signal);
    };
    sink.failures.push(...Array.from({ length: 20 }, unavailable));
    const batch = pulled(0, 0n, [group('a', 25)]);
    pipeline.accept(batch);
    await pipeline.drain();
    expect(ids(sink.written)).toEqual(range('a', 25));
    expect(pipeline.watermark(0)).toBe(batch.nextCursor);
    expect(pipeline.stats()).toMatchObject({ commits: 1, commitFailures: 20, ackedRecords: 25 });
    expect(await state(pipeline.failed)).toBe('pending');
    const warnings = captured.lines.filter((line) => line.level === 40);
    // Failures at 10..200 s: the first three one by one, then one line at 60, 90, ... 180 s.
    expect(warnings).toHaveLength(8);
    expect(warnings.at(-1)).toMatchObject({ failingForMs: 170_000, waitingRecords: 25 });
  });

  it('abort() while a down sink is retried leaves its records unacked, and stops the retries', async () => {
    const { pipeline, sink } = setup();
    sink.refuse = () => unavailable();
    pipeline.accept(pulled(0, 0n, [group('a', 10)]));
    const drained = pipeline.drain();
    await vi.waitFor(() => expect(pipeline.stats().commitFailures).toBeGreaterThanOrEqual(5));
    pipeline.abort();
    await expect(drained).rejects.toMatchObject({ code: 'Aborted' });
    const calls = sink.calls.length;
    await tick();
    expect(sink.calls).toHaveLength(calls);
    expect(pipeline.watermark(0)).toBeUndefined();
    expect(pipeline.stats()).toMatchObject({ ackedRecords: 0, deadLetteredRecords: 0, inFlightRecords: 10 });
    expect(await state(pipeline.failed)).toBe('pending');
  });

  it.each([1, 3])('writes at most maxInFlight = %i commits at once, and acks them all', async (maxInFlight) => {
    const { pipeline, sink } = setup({ workers: 4, chunkRecords: 5, batch: { maxRecords: 5, maxBytes: 1e9, lingerMs: LONG, maxInFlight } });
    sink.mode = 'manual';
    const batch = pulled(0, 0n, [group('a', 30)]);
    pipeline.accept(batch);
    const drained = pipeline.drain();
    for (let done = 0; done < 6; done++) {
      const open = Math.min(maxInFlight, 6 - done);
      await vi.waitFor(() => expect(sink.calls.length - done).toBe(open));
      await tick();
      expect(sink.calls.length - done).toBe(open);
      sink.call(done).resolve();
    }
    await drained;
    expect(ids(sink.written).sort()).toEqual(range('a', 30).sort());
    expect(pipeline.watermark(0)).toBe(batch.nextCursor);
    expect(pipeline.stats()).toMatchObject({ commits: 6, ackedRecords: 30 });
  });

  it('splits a commit around the records the sink refuses: the others written once, the refused ones dead-lettered with the reason', async () => {
    const deadLetter = new ControlledTarget<DeadLetter>();
    const { pipeline, sink } = setup({ deadLetter, chunkRecords: 5 });
    const poison = ['a-3', 'b-6'];
    sink.refuse = (record) => (poison.includes(String(record.request_id)) ? refusal(record.request_id) : undefined);
    const batch = pulled(1, 70n, [group('a', 10), group('b', 10)]);
    pipeline.accept(batch);
    await pipeline.drain();
    const good = [...range('a', 10), ...range('b', 10)].filter((id) => !poison.includes(id));
    expect(ids(sink.written).sort()).toEqual(good.sort());
    expect(deadLetter.written).toEqual([
      { reason: 'invalid input syntax for type integer in a-3', position: { shard: 1, cursor: encodeCursor(70n), index: 3 }, record: expect.objectContaining({ request_id: 'a-3' }) },
      { reason: 'invalid input syntax for type integer in b-6', position: { shard: 1, cursor: encodeCursor(71n), index: 6 }, record: expect.objectContaining({ request_id: 'b-6' }) },
    ]);
    expect(pipeline.watermark(1)).toBe(batch.nextCursor);
    expect(pipeline.stats()).toMatchObject({ acceptedRecords: 20, ackedRecords: 18, deadLetteredRecords: 2, inFlightRecords: 0 });
    expect(await state(pipeline.failed)).toBe('pending');
  });

  it('an NDJSON sink that blames the data is broken: `failed` rejects, nothing is dead-lettered', async () => {
    const refused = refusal('a line');
    const ndjsonSink = { input: 'ndjson' as const, write: () => Promise.reject(refused) };
    const { pipeline, deadLetter } = setup({ sink: ndjsonSink });
    pipeline.accept(pulled(0, 0n, [group('a', 3)]));
    await expect(pipeline.failed).rejects.toBe(refused);
    expect(deadLetter.calls).toHaveLength(0);
    expect(pipeline.watermark(0)).toBeUndefined();
  });
});

function range(prefix: string, count: number): string[] {
  return Array.from({ length: count }, (_, i) => `${prefix}-${i}`);
}
