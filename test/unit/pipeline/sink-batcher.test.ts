// The batch coordinator: many workers' records in one commit, within the limits, up to
// maxInFlight commits at a time; retries that neither lose nor repeat acked data and last as
// long as the failure; a commit split around the records the sink refuses; a clean stop on abort.

import pino from 'pino';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { SinkBatcher, type RefusedItem, type SinkBatcherOptions } from '../../../src/pipeline/sink-batcher.js';
import { REJECTED_DATA, SinkError } from '../../../src/sinks/sink-error.js';
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
    backoff: { random: () => 0 },
    backlog: () => 0,
    onFailure: (error) => failures.push(error),
    ...options,
  });
  return { batcher: instance, failures };
}

const range = (from: number, count: number): number[] => Array.from({ length: count }, (_, i) => from + i);
const unavailable = (): SinkError => new SinkError({ code: 'Unavailable', retryable: true, message: 'down for a moment', cause: new Error('ECONNREFUSED') });
const diskGone = (): SinkError => new SinkError({ code: 'PermissionDenied', retryable: false, message: 'cannot write' });
const refused = (item: number): SinkError => new SinkError({ code: REJECTED_DATA, retryable: false, message: `value ${item} out of range` });

/** A batcher whose target refuses the items in `poison`, and what it set aside. */
function poisoned(poison: readonly number[], options: Partial<SinkBatcherOptions<number>> = {}) {
  const target = new ControlledTarget<number>();
  target.refuse = (item) => (poison.includes(item) ? refused(item) : undefined);
  const setAside: RefusedItem<number>[] = [];
  const made = batcher(target, { setAside: async (items) => void setAside.push(...items), ...options });
  return { ...made, target, setAside };
}

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

  it('retries a transient failure for as long as it lasts, logging the first few and then every 30 s', async () => {
    let now = 0;
    const target = new ControlledTarget<number>();
    const write = target.write.bind(target);
    // Each attempt takes 10 s of the clock: 12 failures are two minutes, twice the old give-up timeout.
    target.write = (items, signal) => {
      now += 10_000;
      return write(items, signal);
    };
    target.failures.push(...Array.from({ length: 12 }, unavailable));
    const captured = capturedLog();
    const { batcher: b, failures } = batcher(target, { log: captured.log, now: () => now, backlog: () => 1234 });
    const done = b.submit([1, 2], 0);
    b.flush();
    await expect(done).resolves.toBe(0);
    expect(target.written).toEqual([1, 2]);
    expect(failures).toEqual([]);
    expect(b.stats()).toMatchObject({ commits: 1, commitFailures: 12 });
    const warnings = captured.lines.filter((line) => line.level === 40);
    // Failures at 10..120 s: the first three, then 60, 90 and 120 s.
    expect(warnings.map((line) => line.attempt ?? line.failures)).toEqual([1, 2, 3, 6, 9, 12]);
    expect(warnings[3]).toMatchObject({ msg: 'sink failing for 50 s, 1234 records waiting; still retrying', failingForMs: 50_000, waitingRecords: 1234, err: { code: 'Unavailable' } });
    expect(captured.lines.at(-1)).toMatchObject({ level: 30, msg: 'sink works again after 12 failed writes', failedForMs: 120_000 });
  });

  it('writes up to maxInFlight commits at once, starting the next as one finishes', async () => {
    const target = new ControlledTarget<number>();
    target.mode = 'manual';
    const { batcher: b } = batcher(target, { maxRecords: 1, maxInFlight: 3 });
    const done = range(0, 5).map((item) => b.submit([item], 0));
    expect(target.calls.map((call) => call.items)).toEqual([[0], [1], [2]]);
    target.call(1).resolve();
    await vi.waitFor(() => expect(target.calls).toHaveLength(4));
    expect(await state(done[0] as Promise<number>)).toBe('pending');
    target.call(0).resolve();
    await vi.waitFor(() => expect(target.calls).toHaveLength(5));
    for (const index of [2, 3, 4]) target.call(index).resolve();
    await Promise.all(done);
    expect(target.written.sort()).toEqual(range(0, 5));
    expect(b.stats()).toMatchObject({ commits: 5 });
  });

  it('splits a commit the target refuses for its data: every other item written once, each refused one set aside', async () => {
    const { batcher: b, target, setAside, failures } = poisoned([3, 12]);
    const done = [b.submit(range(0, 8), 0), b.submit(range(8, 8), 0), b.submit(range(16, 4), 0)];
    b.flush();
    expect(await Promise.all(done)).toEqual([1, 1, 0]);
    expect(target.written.sort((x, y) => x - y)).toEqual(range(0, 20).filter((item) => item !== 3 && item !== 12));
    expect(setAside).toEqual([{ item: 3, error: refused(3) }, { item: 12, error: refused(12) }]);
    expect(setAside[0]?.error.message).toBe('value 3 out of range');
    expect(failures).toEqual([]);
    expect(b.stats()).toMatchObject({ commits: 1, records: 18 });
    // Each refused write held a poison item; no write of good items was repeated.
    expect(target.calls.filter((call) => !call.items.some((item) => item === 3 || item === 12)).flatMap((call) => call.items)).toHaveLength(18);
  });

  it('retries a transient failure in the middle of a split, and sets aside a refused commit of one item without writing it again', async () => {
    const { batcher: b, target, setAside } = poisoned([1, 5], { maxRecords: 4 });
    // The first two writes meet the poison; the third, [0] of the split, meets an outage.
    target.failures.push(undefined, undefined, unavailable());
    const single = b.submit([5], 0);
    b.flush();
    const pair = b.submit([0, 1], 0);
    b.flush();
    expect(await Promise.all([single, pair])).toEqual([1, 1]);
    expect(setAside.map((entry) => entry.item)).toEqual([5, 1]);
    expect(target.written).toEqual([0]);
    expect(target.calls.map((call) => call.items)).toEqual([[5], [0, 1], [0], [0], [1]]);
  });

  it('without setAside, or when setting aside fails, a data rejection stops the batcher', async () => {
    const bare = new ControlledTarget<number>();
    bare.failures.push(refused(7));
    const plain = batcher(bare);
    const done = plain.batcher.submit([7], 0);
    plain.batcher.flush();
    await expect(done).rejects.toMatchObject({ code: REJECTED_DATA });
    expect(plain.failures).toHaveLength(1);

    const full = diskGone();
    const { batcher: b, failures } = poisoned([1], { setAside: () => Promise.reject(full) });
    const lost = b.submit([0, 1], 0);
    b.flush();
    await expect(lost).rejects.toBe(full);
    expect(failures).toEqual([full]);
  });

  it('on a permanent failure, every waiting submitter and every later one learns the error', async () => {
    const target = new ControlledTarget<number>();
    target.mode = 'manual';
    const { batcher: b, failures } = batcher(target, { maxRecords: 1 });
    const inFlight = b.submit([1], 0);
    const queued = b.submit([2], 0);
    const gathering = b.submit([], 0);
    target.call(0).reject(unavailable());
    await vi.waitFor(() => expect(target.calls).toHaveLength(2));
    const permanent = diskGone();
    target.call(1).reject(permanent);
    await expect(inFlight).rejects.toBe(permanent);
    await expect(queued).rejects.toBe(permanent);
    await expect(gathering).rejects.toBe(permanent);
    await expect(b.submit([3], 0)).rejects.toBe(permanent);
    expect(failures).toEqual([permanent]);
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
