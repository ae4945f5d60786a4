import { PassThrough } from 'node:stream';
import { setImmediate as turn } from 'node:timers/promises';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import type { RequestRecord } from '../../src/parse/request-record.js';
import { NullSink } from '../../src/sinks/null/sink.js';
import { StdoutSink } from '../../src/sinks/stdout/sink.js';
import { rejection } from '../helpers/sink-failure.js';
import { ndjson } from '../helpers/sink-file.js';

const log = pino({ level: 'silent' });

function records(from: number, count: number): RequestRecord[] {
  return Array.from({ length: count }, (_, i) => ({
    time: '2026-11-21T10:15:00Z',
    request_id: `req-${from + i}`,
    shard: 0,
    cursor: 'MTA=',
    index: from + i,
  }));
}

/** Whether `promise` has settled once pending I/O callbacks have run. */
async function settledSoon(promise: Promise<unknown>): Promise<boolean> {
  let settled = false;
  promise.then(
    () => (settled = true),
    () => (settled = true),
  );
  await turn();
  await turn();
  return settled;
}

function parseLines(text: string): unknown[] {
  expect(text.endsWith('\n')).toBe(true);
  return text.slice(0, -1).split('\n').map((line) => JSON.parse(line) as unknown);
}

describe('stdout sink', () => {
  it('writes each record as one JSON line', async () => {
    const stream = new PassThrough();
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    const sink = new StdoutSink({ log, stream });
    await sink.open();
    await sink.write(ndjson(records(0, 3)));
    await sink.write(ndjson(records(3, 2)));
    await sink.close();
    expect(parseLines(Buffer.concat(chunks).toString('utf8'))).toEqual(records(0, 5));
  });

  it('resolves a write only once the stream has taken its bytes (backpressure)', async () => {
    const stream = new PassThrough({ highWaterMark: 64 });
    const sink = new StdoutSink({ log, stream });
    await sink.open();
    const first = sink.write(ndjson(records(0, 20)));
    expect(await settledSoon(first)).toBe(false);
    stream.resume();
    await first;
    await sink.close();
  });

  it('gives up on a blocked write when its signal aborts', async () => {
    const stream = new PassThrough({ highWaterMark: 64 });
    const sink = new StdoutSink({ log, stream });
    await sink.open();
    const controller = new AbortController();
    const blocked = sink.write(ndjson(records(0, 20)), controller.signal);
    expect(await settledSoon(blocked)).toBe(false);
    controller.abort(new Error('drain deadline'));
    expect(await rejection(blocked)).toMatchObject({ code: 'Aborted', retryable: false });
    expect(await rejection(sink.write(ndjson(records(20, 1)), AbortSignal.abort()))).toMatchObject({ code: 'Aborted' });
  });

  it('fails with OutputClosed, not retryable, when the stream is gone', async () => {
    const stream = new PassThrough();
    const sink = new StdoutSink({ log, stream });
    await sink.open();
    stream.destroy();
    const error = await rejection(sink.write(ndjson(records(0, 1))));
    expect(error).toMatchObject({ code: 'OutputClosed', retryable: false });
    expect(error.message).toMatch(/standard output was closed/);
    expect(sink.health()).toEqual({ ok: false, detail: error.message });
    expect(await rejection(sink.write(ndjson(records(1, 1))))).toBe(error);
    await sink.close();
  });

  it('turns an error event of the stream into the next write failing, instead of a crash', async () => {
    const stream = new PassThrough();
    const sink = new StdoutSink({ log, stream });
    await sink.open();
    stream.emit('error', Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }));
    expect(await rejection(sink.write(ndjson(records(0, 1))))).toMatchObject({ code: 'OutputClosed' });
    await sink.close();
    // A failed stream may still emit 'error' after close(): without a listener that would crash.
    expect(() => stream.emit('error', Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }))).not.toThrow();
  });

  it('leaves a healthy stream without its error listener once closed', async () => {
    const stream = new PassThrough();
    const sink = new StdoutSink({ log, stream });
    await sink.open();
    expect(stream.listenerCount('error')).toBe(1);
    await sink.close();
    expect(stream.listenerCount('error')).toBe(0);
  });

  it('keeps the lifecycle rules: not before open, not after close, close twice or unopened', async () => {
    const stream = new PassThrough();
    const sink = new StdoutSink({ log, stream });
    expect(await rejection(sink.write(ndjson(records(0, 1))))).toMatchObject({ code: 'NotOpen' });
    await new StdoutSink({ log, stream }).close();
    await sink.open();
    await sink.close();
    await sink.close();
    expect(await rejection(sink.write(ndjson(records(0, 1))))).toMatchObject({ code: 'Closed' });
    // The process's stdout must stay usable for others: closing the sink does not end it.
    expect(stream.writableEnded).toBe(false);
  });

  it('close() waits for the writes already made', async () => {
    const stream = new PassThrough({ highWaterMark: 64 });
    const sink = new StdoutSink({ log, stream });
    await sink.open();
    const written = sink.write(ndjson(records(0, 20)));
    const closed = sink.close();
    expect(await settledSoon(closed)).toBe(false);
    stream.resume();
    await Promise.all([written, closed]);
  });
});

describe('null sink', () => {
  it('acks and counts without writing', async () => {
    const sink = new NullSink();
    await sink.open();
    await sink.write(ndjson(records(0, 3)));
    await sink.write([...ndjson(records(3, 2)), ...ndjson(records(5, 2))]);
    expect([sink.batches, sink.records]).toEqual([2, 7]);
    expect(sink.health()).toEqual({ ok: true });
    await sink.close();
    await sink.close();
    expect(await rejection(sink.write(ndjson(records(0, 1))))).toMatchObject({ code: 'Closed' });
  });

  it('refuses a write before open() and one whose signal aborted', async () => {
    const sink = new NullSink();
    expect(await rejection(sink.write(ndjson(records(0, 1))))).toMatchObject({ code: 'NotOpen' });
    await sink.open();
    expect(await rejection(sink.write(ndjson(records(0, 1)), AbortSignal.abort()))).toMatchObject({ code: 'Aborted' });
    expect(sink.records).toBe(0);
  });
});
