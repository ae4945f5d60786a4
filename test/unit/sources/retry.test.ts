// The source's one retry policy: which errors it repeats, how long, what it says each time.

import pino from 'pino';
import { describe, expect, it, vi } from 'vitest';
import { SlsError } from '../../../src/sls/errors.js';
import { Retrier } from '../../../src/sources/sls/retry.js';

const busy = (): SlsError => new SlsError({ code: 'ServerBusy', status: 503, message: 'busy' });
const quota = (): SlsError => new SlsError({ code: 'ShardReadQuotaExceed', status: 403, message: 'quota' });
const missing = (): SlsError => new SlsError({ code: 'LogStoreNotExist', status: 404, message: 'no logstore' });
const never = new AbortController().signal;

/** A call that fails with `errors` in turn, then answers 'ok'. */
function failing(...errors: Error[]): () => Promise<string> {
  return vi.fn(async () => {
    const error = errors.shift();
    if (error !== undefined) throw error;
    return 'ok';
  });
}

function retrier(options: Partial<ConstructorParameters<typeof Retrier>[0]> = {}): { retrier: Retrier; warnings: Array<Record<string, unknown>> } {
  const warnings: Array<Record<string, unknown>> = [];
  const log = pino({ level: 'warn' }, { write: (line: string) => void warnings.push(JSON.parse(line) as Record<string, unknown>) });
  return { retrier: new Retrier({ log, timeoutMs: 10_000, backoff: { initialMs: 1, maxMs: 2, throttledMs: 3 }, ...options }), warnings };
}

describe('Retrier', () => {
  it('repeats retryable and throttled errors until the call succeeds, counting and logging each retry', async () => {
    const { retrier: r, warnings } = retrier();
    const call = failing(busy(), quota(), busy());
    await expect(r.call('PullLogs access/0', call, never)).resolves.toBe('ok');
    expect(call).toHaveBeenCalledTimes(4);
    expect(r.retries).toBe(3);
    expect(r.errorsByCode()).toEqual({ ServerBusy: 2, ShardReadQuotaExceed: 1 });
    expect(warnings.map((w) => [w.call, w.code, w.attempt])).toEqual([
      ['PullLogs access/0', 'ServerBusy', 1],
      ['PullLogs access/0', 'ShardReadQuotaExceed', 2],
      ['PullLogs access/0', 'ServerBusy', 3],
    ]);
  });

  it('waits at least the throttling floor after a quota error', async () => {
    const { retrier: r, warnings } = retrier({ backoff: { initialMs: 1, maxMs: 1, throttledMs: 30 } });
    await r.call('PullLogs access/0', failing(quota()), never);
    expect(warnings[0]?.waitMs).toBeGreaterThanOrEqual(30);
  });

  it('throws a non-retryable error at once, and anything that is not an SlsError', async () => {
    const { retrier: r } = retrier();
    const call = failing(missing());
    await expect(r.call('CreateConsumerGroup', call, never)).rejects.toMatchObject({ code: 'LogStoreNotExist' });
    expect(call).toHaveBeenCalledTimes(1);
    await expect(r.call('x', failing(new TypeError('bug')), never)).rejects.toThrow(TypeError);
    expect(r.retries).toBe(0);
  });

  it('gives up with the last error once the call has kept failing for timeoutMs', async () => {
    let now = 0;
    const { retrier: r } = retrier({ timeoutMs: 1000, now: () => now });
    const call = vi.fn(async () => {
      now += 400;
      throw busy();
    });
    await expect(r.call('Heartbeat', call, never)).rejects.toMatchObject({ code: 'ServerBusy' });
    expect(call).toHaveBeenCalledTimes(3);
  });

  it('ends its wait when the signal aborts, with the signal reason', async () => {
    const { retrier: r } = retrier({ backoff: { initialMs: 60_000, maxMs: 60_000, random: () => 0.99 } });
    const controller = new AbortController();
    const reason = new Error('stopped');
    const call = failing(busy());
    const result = r.call('PullLogs access/0', call, controller.signal);
    await vi.waitFor(() => expect(r.retries).toBe(1));
    controller.abort(reason);
    await expect(result).rejects.toBe(reason);
    expect(call).toHaveBeenCalledTimes(1);
  });

  it('drops an answer that arrives after the signal aborted, throwing the signal reason instead', async () => {
    const { retrier: r } = retrier();
    const controller = new AbortController();
    const reason = new Error('shard 2: pulling stopped');
    let answer: (value: string) => void = () => undefined;
    const result = r.call('GetCheckPoint access/g/2', () => new Promise<string>((resolve) => (answer = resolve)), controller.signal);
    controller.abort(reason);
    answer('MTcw');
    await expect(result).rejects.toBe(reason);
  });
});
