import { pino } from 'pino';
import { describe, expect, it, vi } from 'vitest';
import { drain, type DrainParts } from '../../../src/lifecycle/drain.js';
import { ManualTimers } from './manual-timers.js';

/** Fakes of each component that record, in one list, the order of the calls made to them. */
function recordingParts(options: { pipelineDrain?: (signal?: AbortSignal) => Promise<void>; failing?: string; hanging?: string } = {}): {
  parts: DrainParts;
  calls: string[];
} {
  const calls: string[] = [];
  const act = (name: string) => async (): Promise<void> => {
    calls.push(name);
    if (options.failing === name) throw new Error(`${name} failed`);
    if (options.hanging === name) await never();
  };
  const parts: DrainParts = {
    source: {
      stopPulling: () => void calls.push('source.stopPulling'),
      commitCheckpoints: act('source.commitCheckpoints'),
      close: act('source.close'),
    },
    pipeline: {
      drain: async (signal) => {
        calls.push('pipeline.drain');
        await options.pipelineDrain?.(signal);
        calls.push('pipeline.drained');
      },
      abort: () => void calls.push('pipeline.abort'),
    },
    outputs: [{ close: act('sink.close') }, { close: act('deadLetter.close') }],
    server: { close: act('server.close') },
  };
  return { parts, calls };
}

const log = pino({ level: 'silent' });
const never = (): Promise<void> => new Promise(() => {});
const quiet = { pending: () => ({}), timers: new ManualTimers(), log };

describe('drain', () => {
  it('stops pulling, drains the pipeline, closes the sinks, commits checkpoints, then releases the shards and the server', async () => {
    const { parts, calls } = recordingParts();
    const result = await drain(parts, { hurry: new AbortController().signal, ...quiet });
    expect(result).toEqual({ outcome: 'drained' });
    expect(calls).toEqual([
      'source.stopPulling',
      'pipeline.drain',
      'pipeline.drained',
      'sink.close',
      'deadLetter.close',
      // After everything is written and before the heartbeat stops reporting the shards.
      'source.commitCheckpoints',
      'source.close',
      'server.close',
    ]);
  });

  it.each(['drain-timeout', 'second-signal'])('on %s: stops waiting, aborts the pipeline, and still commits and closes', async (reason) => {
    const hurry = new AbortController();
    const { parts, calls } = recordingParts({ pipelineDrain: never });
    const result = drain(parts, { hurry: hurry.signal, ...quiet });
    await vi.waitFor(() => expect(calls).toContain('pipeline.drain'));
    hurry.abort(reason);
    expect(await result).toEqual({ outcome: reason });
    expect(calls).toEqual([
      'source.stopPulling',
      'pipeline.drain',
      'pipeline.abort',
      'sink.close',
      'deadLetter.close',
      'source.commitCheckpoints',
      'source.close',
      'server.close',
    ]);
  });

  it('does not wait at all when told to hurry before it starts', async () => {
    const hurry = new AbortController();
    hurry.abort('second-signal');
    const { parts, calls } = recordingParts({ pipelineDrain: never });
    expect(await drain(parts, { hurry: hurry.signal, ...quiet })).toEqual({ outcome: 'second-signal' });
    expect(calls.slice(0, 3)).toEqual(['source.stopPulling', 'pipeline.abort', 'sink.close']);
  });

  it('abandons a failed pipeline without waiting, and still checkpoints what was acked', async () => {
    const { parts, calls } = recordingParts({ pipelineDrain: never });
    expect(await drain(parts, { hurry: new AbortController().signal, abandon: true, ...quiet })).toEqual({ outcome: 'abandoned' });
    expect(calls).toEqual(['source.stopPulling', 'pipeline.abort', 'sink.close', 'deadLetter.close', 'source.commitCheckpoints', 'source.close', 'server.close']);
  });

  it('reports a pipeline that fails while draining, and aborts it', async () => {
    const failure = new Error('sink gave up');
    const { parts, calls } = recordingParts({ pipelineDrain: () => Promise.reject(failure) });
    expect(await drain(parts, { hurry: new AbortController().signal, ...quiet })).toEqual({ outcome: 'abandoned', error: failure });
    expect(calls).toContain('pipeline.abort');
    expect(calls).toContain('source.commitCheckpoints');
  });

  it('runs every later step when one fails, and returns the first failure', async () => {
    const { parts, calls } = recordingParts({ failing: 'sink.close' });
    const result = await drain(parts, { hurry: new AbortController().signal, ...quiet });
    expect(result.outcome).toBe('drained');
    expect((result.error as Error).message).toBe('sink.close failed');
    expect(calls.slice(-4)).toEqual(['deadLetter.close', 'source.commitCheckpoints', 'source.close', 'server.close']);
  });

  it('once hurried, gives a hanging step a short grace and goes on to release the shards', async () => {
    const timers = new ManualTimers();
    const hurry = new AbortController();
    hurry.abort('second-signal');
    const { parts, calls } = recordingParts({ hanging: 'source.commitCheckpoints' });
    const result = drain(parts, { hurry: hurry.signal, pending: () => ({}), hurriedStepMs: 3000, timers, log });
    await vi.waitFor(() => expect(calls).toContain('source.commitCheckpoints'));
    timers.advance(2999);
    expect(calls).not.toContain('source.close');
    timers.advance(1);
    const { outcome, error } = await result;
    expect(outcome).toBe('second-signal');
    expect(String(error)).toMatch(/gave up committing checkpoints/);
    expect(calls.slice(-2)).toEqual(['source.close', 'server.close']);
    expect(timers.pending).toBe(0);
  });

  it('does not hurry the steps of a drain that was never told to stop', async () => {
    const timers = new ManualTimers();
    const { parts, calls } = recordingParts({ hanging: 'sink.close' });
    void drain(parts, { hurry: new AbortController().signal, pending: () => ({}), timers, log });
    await vi.waitFor(() => expect(calls).toContain('sink.close'));
    timers.advance(60_000);
    await new Promise((resolve) => setImmediate(resolve));
    expect(calls).not.toContain('deadLetter.close');
  });

  it('logs what is still pending every few seconds while the pipeline drains, and stops logging after', async () => {
    const timers = new ManualTimers();
    const lines: Array<Record<string, unknown>> = [];
    const recording = pino({ level: 'info' }, { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) });
    let finish!: () => void;
    const { parts } = recordingParts({ pipelineDrain: () => new Promise((resolve) => (finish = resolve)) });
    const pending = { inFlightRecords: 1200, activeWorkers: 3, heldShards: 2 };
    const result = drain(parts, { hurry: new AbortController().signal, pending: () => pending, pendingEveryMs: 5000, timers, log: recording });
    await vi.waitFor(() => expect(finish).toBeDefined());
    timers.advance(10_000);
    const waiting = lines.filter((l) => /waiting for in-flight/.test(String(l.msg)));
    expect(waiting).toHaveLength(2);
    expect(waiting[0]).toMatchObject(pending);
    finish();
    await result;
    expect(timers.pending).toBe(0);
  });
});
