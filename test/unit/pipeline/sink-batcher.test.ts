// The batch coordinator: many workers' records in one commit, within the limits, one commit
// at a time; retries that neither lose nor repeat acked data; a clean stop on abort.

import pino from 'pino';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { SinkBatcher, type SinkBatcherOptions } from '../../../src/pipeline/sink-batcher.js';
import { SinkError } from '../../../src/sinks/sink-error.js';
import { ControlledTarget, state } from './doubles.js';
import { capturedLog } from './logs.js';

const LONG = 60_000;

function batcher(target: ControlledTarget<number>, options: Partial<SinkBatcherOptions<number>> = {}) {
  const failures: SinkError[] = [];
  const instance = new SinkBatcher<number>({
    target,
    name: 'sink',
    maxRecords: 1000,
    maxBytes: 1_000_000,
    lingerMs: LONG,
    log: pino({ level: 'silent' }),
    retryTimeoutMs: LONG,
    backoff: { random: () => 0 },
    onFailure: (error) => failures.push(error),
    ...options,
  });
  return { batcher: instance, failures };
}

const range = (from: number, count: number): number[] => Array.from({ length: count }, (_, i) => from + i);
const unavailable = (): SinkError => new SinkError({ code: 'Unavailable', retryable: true, message: 'down for a moment', cause: new Error('ECONNREFUSED') });
const diskGone = (): SinkError => new SinkError({ code: 'PermissionDenied', retryable: false, message: 'cannot write' });

afterEach(() => {
  vi.useRealTimers();
});

describe('SinkBatcher', () => {
  it("writes many workers' submissions in one commit and tells each of them its result", async () => {
    const target = new ControlledTarget<number>();
    target.mode = 'manual';
    const { batcher: b } = batcher(target);
    const submitted = [0, 1, 2, 3].map((worker) => b.submit(range(worker * 10, 10), 100));
    b.flush();
    expect(target.calls).toHaveLength(1);
    expect(target.call(0).items).toEqual(range(0, 40));
    expect(await state(Promise.race(submitted))).toBe('pending');
    target.call(0).resolve();
    await Promise.all(submitted);
    expect(b.stats()).toEqual({ commits: 1, commitFailures: 0, records: 40, bytes: 400 });
  });

  it('closes a commit at maxRecords, and never adds a submission that would pass it', async () => {
    const target = new ControlledTarget<number>();
    const { batcher: b } = batcher(target, { maxRecords: 6 });
    const done = [b.submit(range(0, 3), 0), b.submit(range(3, 3), 0), b.submit(range(6, 4), 0), b.submit(range(10, 3), 0), b.submit(range(13, 9), 0)];
    b.flush();
    await Promise.all(done);
    expect(target.calls.map((call) => call.items)).toEqual([range(0, 6), range(6, 4), range(10, 3), range(13, 9)]);
  });

  it('closes a commit at maxBytes', async () => {
    const target = new ControlledTarget<number>();
    const { batcher: b } = batcher(target, { maxBytes: 1000 });
    const done = [b.submit([1], 400), b.submit([2], 400), b.submit([3], 400), b.submit([4], 600)];
    b.flush();
    await Promise.all(done);
    expect(target.calls.map((call) => call.items)).toEqual([[1, 2], [3, 4]]);
  });

  it('commits what gathered once lingerMs have passed since its first submission', async () => {
    vi.useFakeTimers();
    const target = new ControlledTarget<number>();
    const { batcher: b } = batcher(target, { lingerMs: 50 });
    const first = b.submit([1], 1);
    vi.advanceTimersByTime(30);
    const second = b.submit([2], 1);
    vi.advanceTimersByTime(19);
    expect(target.calls).toHaveLength(0);
    vi.advanceTimersByTime(1);
    expect(target.calls.map((call) => call.items)).toEqual([[1, 2]]);
    await Promise.all([first, second]);
  });

  it('writes one commit at a time while the next one gathers', async () => {
    const target = new ControlledTarget<number>();
    target.mode = 'manual';
    const { batcher: b } = batcher(target, { maxRecords: 2 });
    const first = b.submit([1, 2], 0);
    const second = [b.submit([3], 0), b.submit([4], 0), b.submit([5], 0)];
    b.flush();
    expect(target.calls).toHaveLength(1);
    target.call(0).resolve();
    await first;
    await vi.waitFor(() => expect(target.calls).toHaveLength(2));
    expect(target.call(1).items).toEqual([3, 4]);
    target.call(1).resolve();
    await vi.waitFor(() => expect(target.calls).toHaveLength(3));
    target.call(2).resolve();
    await Promise.all(second);
    expect(target.written).toEqual([1, 2, 3, 4, 5]);
  });

  it('retries a retryable failure with the same records, logging each failure with its cause', async () => {
    const target = new ControlledTarget<number>();
    target.failures.push(unavailable(), unavailable());
    const captured = capturedLog();
    const { batcher: b, failures } = batcher(target, { log: captured.log });
    const done = b.submit([7, 8, 9], 30);
    b.flush();
    await done;
    expect(target.calls.map((call) => call.items)).toEqual([[7, 8, 9], [7, 8, 9], [7, 8, 9]]);
    expect(target.written).toEqual([7, 8, 9]);
    expect(failures).toEqual([]);
    expect(b.stats()).toMatchObject({ commits: 1, commitFailures: 2 });
    const warnings = captured.lines.filter((line) => line.level === 40);
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toMatchObject({ msg: 'sink commit failed; retrying', records: 3, err: { code: 'Unavailable' } });
    expect(JSON.stringify(warnings[0])).toContain('ECONNREFUSED');
  });

  it('gives up after retryTimeoutMs: every waiting submitter and every later one learns the error', async () => {
    let now = 0;
    const target = new ControlledTarget<number>();
    target.mode = 'manual';
    const { batcher: b, failures } = batcher(target, { retryTimeoutMs: 5000, now: () => now, maxRecords: 1 });
    const inFlight = b.submit([1], 0);
    const queued = b.submit([2], 0);
    const gathering = b.submit([], 0);
    target.call(0).reject(unavailable());
    await vi.waitFor(() => expect(target.calls).toHaveLength(2));
    now = 5000;
    const last = unavailable();
    target.call(1).reject(last);
    await expect(inFlight).rejects.toBe(last);
    await expect(queued).rejects.toBe(last);
    await expect(gathering).rejects.toBe(last);
    await expect(b.submit([3], 0)).rejects.toBe(last);
    expect(failures).toEqual([last]);
    expect(target.calls).toHaveLength(2);
  });

  it('gives up at once on a permanent failure, and on an error that is not a SinkError', async () => {
    const target = new ControlledTarget<number>();
    const permanent = diskGone();
    target.failures.push(permanent);
    const { batcher: b, failures } = batcher(target);
    const done = b.submit([1], 0);
    b.flush();
    await expect(done).rejects.toBe(permanent);
    expect(failures).toEqual([permanent]);

    const buggy = new ControlledTarget<number>();
    buggy.failures.push(new TypeError('undefined is not a function'));
    const other = batcher(buggy);
    const rejected = other.batcher.submit([1], 0);
    other.batcher.flush();
    await expect(rejected).rejects.toMatchObject({ name: 'SinkError', code: 'WriteFailed', retryable: false });
    await expect(rejected).rejects.toThrow(/undefined is not a function/);
    expect(buggy.calls).toHaveLength(1);
  });

  it('abort() during a commit aborts its write and fails its submitters, even if the write completes later', async () => {
    const target = new ControlledTarget<number>();
    target.mode = 'manual';
    const { batcher: b, failures } = batcher(target);
    const done = b.submit([1, 2], 0);
    b.flush();
    const gathering = b.submit([3], 0);
    const signal = target.call(0).signal;
    expect(signal?.aborted).toBe(false);
    const stop = new SinkError({ code: 'Aborted', retryable: false, message: 'stop' });
    b.abort(stop);
    expect(signal?.aborted).toBe(true);
    await expect(done).rejects.toBe(stop);
    await expect(gathering).rejects.toBe(stop);
    target.call(0).resolve();
    await expect(b.submit([4], 0)).rejects.toBe(stop);
    expect(b.stats().commits).toBe(0);
    expect(failures).toEqual([]);
  });

  it('abort() ends a backoff wait at once', async () => {
    const target = new ControlledTarget<number>();
    target.failures.push(unavailable());
    const { batcher: b } = batcher(target, { backoff: { initialMs: LONG, maxMs: LONG, random: () => 0.99 } });
    const done = b.submit([1], 0);
    b.flush();
    await vi.waitFor(() => expect(b.stats().commitFailures).toBe(1));
    const stop = new SinkError({ code: 'Aborted', retryable: false, message: 'stop' });
    b.abort(stop);
    await expect(done).rejects.toBe(stop);
    expect(target.calls).toHaveLength(1);
  });
});
