import { EventEmitter } from 'node:events';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { togglePauseOnSignal } from '../../../src/lifecycle/pause-toggle.js';
import { StopSignals } from '../../../src/lifecycle/stop-signals.js';
import { ManualTimers } from './manual-timers.js';

const log = pino({ level: 'silent' });

function stopSignals(drainTimeoutMs = 25_000): { signals: EventEmitter; timers: ManualTimers; stop: StopSignals } {
  const signals = new EventEmitter();
  const timers = new ManualTimers();
  return { signals, timers, stop: new StopSignals({ emitter: signals, drainTimeoutMs, timers, log }) };
}

describe('StopSignals', () => {
  it.each(['SIGINT', 'SIGTERM'] as const)('takes %s as the request to drain, and starts the deadline then', async (name) => {
    const { signals, timers, stop } = stopSignals(25_000);
    timers.advance(60_000); // no deadline before the signal
    expect(stop.hurry.aborted).toBe(false);
    signals.emit(name, name);
    expect(await stop.first).toBe(name);
    timers.advance(24_999);
    expect(stop.hurry.aborted).toBe(false);
    timers.advance(1);
    expect(stop.hurry.aborted).toBe(true);
    expect(stop.hurry.reason).toBe('drain-timeout');
  });

  it('hurries at once on a second signal, and the deadline then no longer fires', () => {
    const { signals, timers, stop } = stopSignals();
    signals.emit('SIGTERM', 'SIGTERM');
    signals.emit('SIGINT', 'SIGINT');
    expect(stop.hurry.reason).toBe('second-signal');
    expect(timers.pending).toBe(0);
  });

  it('arms the deadline on request (an end or a failure), once', () => {
    const { timers, stop } = stopSignals(1000);
    stop.armDeadline();
    stop.armDeadline();
    expect(timers.pending).toBe(1);
    timers.advance(1000);
    expect(stop.hurry.reason).toBe('drain-timeout');
  });

  it('stops listening and cancels the deadline when disposed', () => {
    const { signals, timers, stop } = stopSignals();
    signals.emit('SIGTERM', 'SIGTERM');
    stop.dispose();
    expect(signals.listenerCount('SIGTERM') + signals.listenerCount('SIGINT')).toBe(0);
    expect(timers.pending).toBe(0);
  });
});

describe('togglePauseOnSignal', () => {
  it('pauses on SIGUSR2, resumes on the next one, and stops listening when cancelled', () => {
    const signals = new EventEmitter();
    const calls: string[] = [];
    const source = {
      paused: false,
      pause: () => void (calls.push('pause'), (source.paused = true)),
      resume: () => void (calls.push('resume'), (source.paused = false)),
    };
    const cancel = togglePauseOnSignal(signals, source, log);
    signals.emit('SIGUSR2');
    signals.emit('SIGUSR2');
    signals.emit('SIGUSR2');
    expect(calls).toEqual(['pause', 'resume', 'pause']);
    cancel();
    expect(signals.listenerCount('SIGUSR2')).toBe(0);
  });
});
