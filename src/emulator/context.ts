// What every request handler works with.

import type { PullResponder } from './pull-logs.js';
import type { EmulatorStats } from './stats.js';
import type { EmulatorStore } from './store.js';

export interface EmulatorContext {
  readonly store: EmulatorStore;
  /** Server time, milliseconds since the epoch (the injected clock plus any admin offset). */
  readonly now: () => number;
  readonly stats: EmulatorStats;
  readonly pulls: PullResponder;
}
