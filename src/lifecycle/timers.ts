// The timers the lifecycle waits on (drain deadline, pending-work log, progress ticks), passed
// in so tests can fire a 25 s deadline without waiting 25 s. Each call returns its own cancel
// function, which is all a caller ever does with a timer.

export type Cancel = () => void;

export interface Timers {
  /** Calls `fn` once after `ms`. */
  setTimeout(fn: () => void, ms: number): Cancel;
  /** Calls `fn` every `ms` until cancelled. */
  setInterval(fn: () => void, ms: number): Cancel;
}

/**
 * Node's timers. A timeout stays referenced: the drain deadline must fire even when the work
 * it bounds waits on nothing that keeps the event loop alive. Intervals only report (pending
 * work, progress), so they are unref'd and a forgotten one never delays an exit.
 */
export const realTimers: Timers = {
  setTimeout(fn, ms) {
    const timer = setTimeout(fn, ms);
    return () => clearTimeout(timer);
  },
  setInterval(fn, ms) {
    const timer = setInterval(fn, ms).unref();
    return () => clearInterval(timer);
  },
};
