// Waiting for the operator's stop signal. The emitter is passed in so tests can send a
// "signal" without killing the test runner.

import type { EventEmitter } from 'node:events';
import { STOP_SIGNALS } from '../lifecycle/stop-signals.js';

/** Resolves with the first of `signals` that `emitter` (the process, by default) receives. */
export function waitForSignal(
  emitter: EventEmitter = process,
  signals: readonly NodeJS.Signals[] = STOP_SIGNALS,
): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const onSignal = (signal: NodeJS.Signals): void => {
      for (const name of signals) emitter.off(name, listeners.get(name)!);
      resolve(signal);
    };
    const listeners = new Map(signals.map((name) => [name, () => onSignal(name)] as const));
    for (const [name, listener] of listeners) emitter.on(name, listener);
  });
}
