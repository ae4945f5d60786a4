// Timers that fire only when a test advances them: a 25 s drain deadline passes in no time.

import type { Cancel, Timers } from '../../../src/lifecycle/timers.js';

interface Pending {
  due: number;
  fn: () => void;
  every?: number;
}

export class ManualTimers implements Timers {
  #now = 0;
  readonly #pending = new Set<Pending>();

  setTimeout(fn: () => void, ms: number): Cancel {
    return this.#add({ due: this.#now + ms, fn });
  }

  setInterval(fn: () => void, ms: number): Cancel {
    return this.#add({ due: this.#now + ms, fn, every: ms });
  }

  /** Timers still scheduled. */
  get pending(): number {
    return this.#pending.size;
  }

  /** Moves time forward by `ms`, firing every timer that falls due, in order. */
  advance(ms: number): void {
    const until = this.#now + ms;
    for (;;) {
      const next = [...this.#pending].filter((t) => t.due <= until).sort((a, b) => a.due - b.due)[0];
      if (next === undefined) break;
      this.#now = next.due;
      if (next.every === undefined) this.#pending.delete(next);
      else next.due += next.every;
      next.fn();
    }
    this.#now = until;
  }

  #add(timer: Pending): Cancel {
    this.#pending.add(timer);
    return () => void this.#pending.delete(timer);
  }
}
