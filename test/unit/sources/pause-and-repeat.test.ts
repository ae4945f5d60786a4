// The small waiting tools of the source: the pause gate pullers pass before each pull, and
// the loop the heartbeat and checkpoint timers run on.

import { describe, expect, it } from 'vitest';
import { PauseGate } from '../../../src/sources/sls/pause-gate.js';
import { repeat } from '../../../src/sources/sls/abortable.js';

const never = new AbortController().signal;

describe('PauseGate', () => {
  it('is open until paused, holds callers while paused and lets them all through on resume', async () => {
    const gate = new PauseGate();
    await expect(gate.whenOpen(never)).resolves.toBeUndefined();
    gate.pause();
    gate.pause();
    expect(gate.paused).toBe(true);
    let passed = 0;
    const waiting = [gate.whenOpen(never), gate.whenOpen(never)].map((wait) => wait.then(() => (passed += 1)));
    await Promise.resolve();
    expect(passed).toBe(0);
    gate.resume();
    await Promise.all(waiting);
    expect(passed).toBe(2);
    expect(gate.paused).toBe(false);
  });

  it('a wait ends with the signal reason when its signal aborts', async () => {
    const gate = new PauseGate();
    gate.pause();
    const controller = new AbortController();
    const waiting = gate.whenOpen(controller.signal);
    controller.abort(new Error('stopped'));
    await expect(waiting).rejects.toThrow('stopped');
    expect(gate.paused).toBe(true);
  });
});

describe('repeat', () => {
  it('runs the step until the signal aborts; a step that fails only because of the abort ends it quietly', async () => {
    const controller = new AbortController();
    let steps = 0;
    await repeat(1, controller.signal, async () => {
      steps += 1;
      if (steps === 3) {
        controller.abort();
        throw new Error('aborted mid-step');
      }
    });
    expect(steps).toBe(3);
  });

  it('ends with the error of a step that fails on its own', async () => {
    await expect(repeat(1, never, () => Promise.reject(new Error('fatal')))).rejects.toThrow('fatal');
  });
});
