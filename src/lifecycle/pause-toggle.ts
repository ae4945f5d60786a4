// Pausing pulling at run time with a signal: `kill -USR2 <pid>` pauses, the next one resumes.
// A pause stops new PullLogs only; records already pulled still flow to the sink and get
// acked, and the heartbeat keeps the shards, so a pause loses and duplicates nothing.
// SIGUSR2 rather than SIGUSR1: Node reserves SIGUSR1 to start its inspector (debugger).

import type { EventEmitter } from 'node:events';
import type { Logger } from 'pino';
import type { Cancel } from './timers.js';

export const PAUSE_SIGNAL: NodeJS.Signals = 'SIGUSR2';

/** What can be paused: the source's pulling. */
export interface Pausable {
  readonly paused: boolean;
  pause(): void;
  resume(): void;
}

/** Toggles `target` on every SIGUSR2 that `emitter` receives; returns the function that stops listening. */
export function togglePauseOnSignal(emitter: EventEmitter, target: Pausable, log: Logger): Cancel {
  const toggle = (): void => {
    if (target.paused) {
      target.resume();
      log.info({ signal: PAUSE_SIGNAL }, 'resumed pulling');
    } else {
      target.pause();
      log.info({ signal: PAUSE_SIGNAL }, `paused pulling (in-flight records still complete; send ${PAUSE_SIGNAL} again to resume)`);
    }
  };
  emitter.on(PAUSE_SIGNAL, toggle);
  return () => emitter.off(PAUSE_SIGNAL, toggle);
}
