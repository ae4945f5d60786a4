// Decoding on threads: the NDJSON the sink gets is what decoding on the main thread gives,
// batches of a shard are acked in pull order however their decodes finish, the invariants
// (checkpoints cover only acked records, bounded memory, a drain that loses nothing) hold
// while batches are on a thread, and a thread that dies with a batch ends the run rather than
// losing the batch silently.

import pino from 'pino';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createNdjsonTranscoder } from '../../../src/pipeline/batch-transcoder.js';
import { DecodePool } from '../../../src/pipeline/decode-pool.js';
import { Pipeline, type PipelineOptions } from '../../../src/pipeline/pipeline.js';
import type { PulledBatch } from '../../../src/pipeline/pulled-batch.js';
import type { SinkTarget } from '../../../src/sinks/sink.js';
import { SinkError } from '../../../src/sinks/sink-error.js';
import { ControlledTarget, group, pulled, state, type WriteCall } from './doubles.js';
import type { DeadLetterEntry } from '../../../src/pipeline/dead-letter.js';

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

/** An NDJSON sink that records each write's lines as text. */
function ndjsonSink(): { input: 'ndjson'; written: string[]; write(lines: readonly Buffer[]): Promise<void> } {
  const written: string[] = [];
  return { input: 'ndjson', written, write: async (lines) => void written.push(Buffer.concat(lines).toString()) };
}

/** An NDJSON sink whose writes end when the test settles them. */
function heldNdjsonSink(): { sink: SinkTarget; target: ControlledTarget<Buffer> } {
  const target = new ControlledTarget<Buffer>();
  target.mode = 'manual';
  return { sink: { input: 'ndjson', write: (lines, signal) => target.write(lines, signal) }, target };
}

const text = (call: WriteCall<Buffer>): string => Buffer.concat(call.items).toString();

/** Decode threads that hold each odd batch until the next one arrives, then answer the later one first. */
const pairingScript = new URL('./fixtures/pairing-decode-worker.mjs', import.meta.url);

function setup(options: Partial<PipelineOptions>) {
  const sink = ndjsonSink();
  const deadLetter = new ControlledTarget<DeadLetterEntry>();
  const pipeline = new Pipeline({
    sink,
    deadLetter,
    parse: { fields: 'all' },
    workers: 2,
    queueCapacity: 10_000,
    batch: { maxRecords: 10_000, maxBytes: 100_000_000, lingerMs: 60_000 },
    chunkRecords: 7,
    log: pino({ level: 'silent' }),
    ...options,
  });
  closers.push(() => pipeline.close());
  return { pipeline, sink, deadLetter };
}

/** A copy, since a batch handed to a thread gives its bytes away. */
function copy(batch: PulledBatch): PulledBatch {
  return { ...batch, logGroupList: Uint8Array.from(batch.logGroupList) };
}

describe('DecodePool', () => {
  it('gives what the transcoder gives on the main thread, and takes the batch bytes without copying them', async () => {
    const pool = new DecodePool({ threads: 2, parse: { fields: ['request_id', 'status'] } });
    closers.push(() => pool.close());
    const batch = pulled(1, 30n, [group('a', 12), group('b', 9, [3])]);
    const expected = createNdjsonTranscoder({ fields: ['request_id', 'status'] }).transcode(copy(batch), 5);
    const handed = copy(batch);
    const decoded = await pool.decode(handed, 5);
    expect(handed.logGroupList.byteLength).toBe(0);
    expect(decoded.logs).toBe(expected.logs);
    expect(decoded.chunks.map((chunk) => [chunk.records, chunk.ndjson.toString()])).toEqual(expected.chunks.map((chunk) => [chunk.records, chunk.ndjson.toString()]));
    expect(decoded.chunks.every((chunk) => Buffer.isBuffer(chunk.ndjson))).toBe(true);
    expect(decoded.dead).toEqual(expected.dead);
  });
});

describe('Pipeline with decode threads', () => {
  it('writes the same NDJSON as decoding on the main thread, and moves the watermark in pull order', async () => {
    const batches = [pulled(0, 0n, [group('a', 40)]), pulled(0, 1n, [group('b', 3)]), pulled(0, 2n, [group('c', 20, [5])])];
    const threads = setup({ decodeThreads: 2 });
    const main = setup({ decodeThreads: 0 });
    for (const batch of batches) {
      threads.pipeline.accept(copy(batch));
      main.pipeline.accept(copy(batch));
    }
    await Promise.all([threads.pipeline.drain(), main.pipeline.drain()]);
    // Batches decoded on two threads may reach the sink in another order: the lines are the same.
    const lines = (written: string[]): string[] => written.join('').split('\n').sort();
    expect(lines(threads.sink.written)).toEqual(lines(main.sink.written));
    expect(lines(threads.sink.written)).toHaveLength(40 + 3 + 19 + 1);
    expect(threads.deadLetter.written).toEqual(main.deadLetter.written);
    expect(threads.pipeline.watermark(0)).toBe(batches[2]?.nextCursor);
    expect(threads.pipeline.stats()).toMatchObject({ acceptedRecords: 63, ackedRecords: 62, deadLetteredRecords: 1, inFlightRecords: 0 });
  });

  it('ends the run, with the batch unacknowledged, when a thread dies holding it', async () => {
    const decodeScript = new URL('./fixtures/crashing-decode-worker.mjs', import.meta.url);
    const { pipeline, sink } = setup({ decodeThreads: 1, decodeScript });
    pipeline.accept(copy(pulled(2, 9n, [group('a', 5)])));
    await expect(pipeline.failed).rejects.toThrow(/shard 2's records from cursor .* could not be decoded .*crashed.*read again after a restart/);
    expect(sink.written).toEqual([]);
    expect(pipeline.watermark(2)).toBeUndefined();
    expect(await state(pipeline.drain())).toBe('rejected');
  });

  it('decodes on the main thread when a thread dies but the batch still holds its bytes (a view that could not be moved)', async () => {
    const decodeScript = new URL('./fixtures/crashing-decode-worker.mjs', import.meta.url);
    const { pipeline, sink } = setup({ decodeThreads: 1, decodeScript });
    const batch = copy(pulled(2, 9n, [group('a', 5)]));
    const shared = new Uint8Array(batch.logGroupList.length + 8);
    shared.set(batch.logGroupList, 8);
    pipeline.accept({ ...batch, logGroupList: shared.subarray(8) });
    await pipeline.drain();
    expect(sink.written.join('').split('\n')).toHaveLength(5 + 1);
    expect(pipeline.watermark(2)).toBe(batch.nextCursor);
  });

  it('moves the watermark only over acked batches when a later batch of the shard is decoded first', async () => {
    const { sink, target } = heldNdjsonSink();
    // One commit per chunk, both written at once, so the test acks them in the order it likes.
    const { pipeline } = setup({ sink, decodeThreads: 1, decodeScript: pairingScript, batch: { maxRecords: 1, maxBytes: 100_000_000, lingerMs: 60_000, maxInFlight: 2 } });
    const first = pulled(0, 0n, [group('a', 3)]);
    const second = pulled(0, 1n, [group('b', 2)]);
    pipeline.accept(copy(first));
    pipeline.accept(copy(second));
    await vi.waitFor(() => expect(target.calls).toHaveLength(2));
    expect(text(target.call(0))).toContain('"request_id":"b-0"');
    target.call(0).resolve();
    await vi.waitFor(() => expect(pipeline.stats().ackedRecords).toBe(2));
    // The second batch is durable, the first is not: no checkpoint may pass the first.
    expect(pipeline.watermark(0)).toBeUndefined();
    target.call(1).resolve();
    await pipeline.drain();
    expect(pipeline.watermark(0)).toBe(second.nextCursor);
  });

  it('drains only once a batch still on a decode thread is decoded and written', async () => {
    const { pipeline, sink } = setup({ decodeThreads: 1, decodeScript: pairingScript });
    const held = pulled(0, 0n, [group('a', 3)]);
    pipeline.accept(copy(held));
    const drained = pipeline.drain();
    expect(await state(drained)).toBe('pending');
    // Another batch frees the held one: both are decoded and written, and then the drain ends.
    pipeline.accept(copy(pulled(1, 0n, [group('b', 2)])));
    await drained;
    expect(sink.written.join('').split('\n').filter((line) => line !== '')).toHaveLength(3 + 2);
    expect(pipeline.watermark(0)).toBe(held.nextCursor);
  });

  it('keeps room() waiting for acks, not only for decodes, once decoded records fill the capacity', async () => {
    const { sink, target } = heldNdjsonSink();
    const { pipeline } = setup({ sink, decodeThreads: 1, queueCapacity: 8 });
    pipeline.accept(copy(pulled(0, 0n, [group('a', 8)])));
    pipeline.accept(copy(pulled(1, 0n, [group('b', 2)])));
    // Waiting first for the decodes (as many as one thread may hold), then, decoded, for the writes.
    const room = pipeline.room(new AbortController().signal);
    await vi.waitFor(() => expect(target.calls).toHaveLength(1));
    expect(await state(room)).toBe('pending');
    expect(pipeline.stats().inFlightRecords).toBe(10);
    // The first commit (the first batch's records) brings the records in flight below capacity.
    target.call(0).resolve();
    await room;
    expect(pipeline.stats().inFlightRecords).toBe(2);
    await vi.waitFor(() => expect(target.calls).toHaveLength(2));
    target.call(1).resolve();
    await pipeline.drain();
  });

  it('decodes a batch on the main thread, at once, while every thread holds two, with the same lines and the watermark at the last batch', async () => {
    const batches = [pulled(0, 0n, [group('a', 4)]), pulled(0, 1n, [group('b', 3)]), pulled(0, 2n, [group('c', 5, [2])])];
    // The thread holds the first batch until the second arrives: both stay on it meanwhile.
    const threads = setup({ decodeThreads: 1, decodeScript: pairingScript });
    const main = setup({ decodeThreads: 0 });
    threads.pipeline.accept(copy(batches[0] as PulledBatch));
    threads.pipeline.accept(copy(batches[1] as PulledBatch));
    expect(threads.pipeline.stats().acceptedRecords).toBe(0);
    threads.pipeline.accept(copy(batches[2] as PulledBatch));
    // Decoded here, synchronously: its records are in the queue before the thread answers.
    expect(threads.pipeline.stats().acceptedRecords).toBe(5);
    for (const batch of batches) main.pipeline.accept(copy(batch));
    await Promise.all([threads.pipeline.drain(), main.pipeline.drain()]);
    const lines = (written: string[]): string[] => written.join('').split('\n').sort();
    expect(lines(threads.sink.written)).toEqual(lines(main.sink.written));
    expect(threads.deadLetter.written).toEqual(main.deadLetter.written);
    expect(threads.pipeline.watermark(0)).toBe(batches[2]?.nextCursor);
  });

  it('moves the watermark over a batch the main thread decoded only once the earlier batches the thread holds are written', async () => {
    const { sink, target } = heldNdjsonSink();
    // One commit per chunk, all written at once, so the test acks them in the order it likes.
    const { pipeline } = setup({ sink, decodeThreads: 1, decodeScript: pairingScript, batch: { maxRecords: 1, maxBytes: 100_000_000, lingerMs: 60_000, maxInFlight: 3 } });
    const batches = [pulled(0, 0n, [group('a', 3)]), pulled(0, 1n, [group('b', 2)]), pulled(0, 2n, [group('c', 4)])];
    for (const batch of batches) pipeline.accept(copy(batch));
    // The third was decoded here while the thread held the first two: its commit is the first write.
    await vi.waitFor(() => expect(target.calls.length).toBeGreaterThanOrEqual(1));
    expect(text(target.call(0))).toContain('"request_id":"c-0"');
    target.call(0).resolve();
    await vi.waitFor(() => expect(pipeline.stats().ackedRecords).toBe(4));
    // The third batch is durable, the first two are not: no checkpoint may pass them.
    expect(pipeline.watermark(0)).toBeUndefined();
    await vi.waitFor(() => expect(target.calls).toHaveLength(3));
    for (const call of target.calls.slice(1)) call.resolve();
    await pipeline.drain();
    expect(pipeline.watermark(0)).toBe(batches[2]?.nextCursor);
  });

  it("gives a chunk's memory back to the decode thread with the next batch once the sink wrote it, and keeps a failed write's for its retry", async () => {
    const { sink, target } = heldNdjsonSink();
    // Chunks of 300 records, large enough to be worth reusing; one commit at a time, retried at once.
    const { pipeline } = setup({ sink, decodeThreads: 1, chunkRecords: 300, batch: { maxRecords: 300, maxBytes: 100_000_000, lingerMs: 0, maxInFlight: 1 }, backoff: { random: () => 0 } });
    const expected = (batch: PulledBatch): string => createNdjsonTranscoder({ fields: 'all' }).transcode(copy(batch), 300).chunks[0]?.ndjson.toString() ?? '';
    const batches = ['a', 'b', 'c'].map((prefix, at) => pulled(0, BigInt(at), [group(prefix, 300)]));
    const [first, second, third] = batches as [PulledBatch, PulledBatch, PulledBatch];
    pipeline.accept(copy(first));
    await vi.waitFor(() => expect(target.calls).toHaveLength(1));
    const chunk = target.call(0).items[0] as Buffer;
    expect(chunk.length).toBeGreaterThan(Buffer.poolSize);
    target.call(0).reject(new SinkError({ code: 'Unavailable', retryable: true, message: 'down for a moment' }));
    // The retry writes the same buffer; a batch decoded meanwhile must not be handed its memory.
    await vi.waitFor(() => expect(target.calls).toHaveLength(2));
    pipeline.accept(copy(second));
    await vi.waitFor(() => expect(pipeline.stats().acceptedRecords).toBe(600));
    expect(target.call(1).items[0]).toBe(chunk);
    expect(text(target.call(1))).toBe(expected(first));
    target.call(1).resolve();
    await vi.waitFor(() => expect(target.calls).toHaveLength(3));
    expect(text(target.call(2))).toBe(expected(second));
    target.call(2).resolve();
    // Written: its memory goes to the thread with the next batch, so this side no longer holds it.
    pipeline.accept(copy(third));
    expect(chunk.length).toBe(0);
    await vi.waitFor(() => expect(target.calls).toHaveLength(4));
    expect(text(target.call(3))).toBe(expected(third));
    target.call(3).resolve();
    await pipeline.drain();
    expect(pipeline.watermark(0)).toBe(third.nextCursor);
  });

  it("keeps at most 16 written chunks' buffers for the next batch, however many one commit gives back", async () => {
    const { sink, target } = heldNdjsonSink();
    // 20 chunks of 300 records, all in one commit (a chunk per worker).
    const { pipeline } = setup({ sink, decodeThreads: 1, workers: 20, chunkRecords: 300, batch: { maxRecords: 6000, maxBytes: 100_000_000, lingerMs: 0, maxInFlight: 1 } });
    pipeline.accept(copy(pulled(0, 0n, [group('a', 6000)])));
    await vi.waitFor(() => expect(target.calls).toHaveLength(1));
    const written = target.call(0).items;
    expect(written).toHaveLength(20);
    target.call(0).resolve();
    await vi.waitFor(() => expect(pipeline.stats().ackedRecords).toBe(6000));
    // The next batch takes what was kept to the thread: those read as empty here, the rest are left to the collector.
    pipeline.accept(copy(pulled(0, 1n, [group('b', 3)])));
    expect(written.filter((chunk) => chunk.length === 0)).toHaveLength(16);
    await vi.waitFor(() => expect(target.calls).toHaveLength(2));
    target.call(1).resolve();
    await pipeline.drain();
  });

  it('waits for room while as many batches as the threads can hold are decoding', async () => {
    const { pipeline } = setup({ decodeThreads: 1 });
    const controller = new AbortController();
    pipeline.accept(pulled(0, 0n, [group('a', 3)]));
    pipeline.accept(pulled(1, 0n, [group('b', 3)]));
    const room = pipeline.room(controller.signal);
    expect(await state(room)).toBe('pending');
    await vi.waitFor(async () => expect(await state(room)).toBe('resolved'));
    await pipeline.drain();
  });
});
