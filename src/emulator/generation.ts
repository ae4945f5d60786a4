// Generated traffic: realistic nginx access logs written into a logstore's writable shards
// in turn, in log groups of the size a busy Logtail agent ships (~550 logs), either all at
// start (`generate`), on demand (admin API) or continuously (`rate`, in ticks).

import { encodeLogGroup } from '../sls/codec/log-group-encoder.js';
import { NginxLogGenerator } from './generator.js';
import type { Logstore } from './logstore.js';
import type { EmulatorStats } from './stats.js';

export const GROUP_LOGS = 550;
const TICK_MS = 200;

/** What a call to `append` wrote. */
export interface AppendSummary {
  logs: number;
  groups: number;
}

export class Traffic {
  readonly #generator: NginxLogGenerator;
  readonly #stats: EmulatorStats;

  /** Log times start at `startTime` (Unix s) and advance by one second every `logsPerSecond` logs. */
  constructor(options: { seed: number; startTime: number; logsPerSecond: number }, stats: EmulatorStats) {
    this.#generator = new NginxLogGenerator(options);
    this.#stats = stats;
  }

  /**
   * Appends `logs` generated logs to `logstore`. `receiveTime` gives each group's server
   * receive time (Unix s) from the Log.Time of its last log.
   */
  append(logstore: Logstore, logs: number, receiveTime: (lastLogTime: number) => number): AppendSummary {
    let groups = 0;
    for (let left = logs; left > 0; left -= GROUP_LOGS) {
      const group = this.#generator.nextGroup(Math.min(GROUP_LOGS, left));
      const lastLogTime = group.logs.at(-1)?.time ?? 0;
      logstore.nextWritableShard().groups.append(encodeLogGroup(group), group.logs.length, receiveTime(lastLogTime));
      groups += 1;
    }
    this.#stats.writtenGroups += groups;
    this.#stats.writtenLogs += logs;
    return { logs, groups };
  }

  /** Appends `rate` logs per second of real time, received now, until the returned stop function is called. */
  feed(logstore: Logstore, rate: number, now: () => number): () => void {
    const started = Date.now();
    let written = 0;
    const timer = setInterval(() => {
      const due = Math.floor(((Date.now() - started) * rate) / 1000) - written;
      if (due <= 0) return;
      this.append(logstore, due, () => Math.floor(now() / 1000));
      written += due;
    }, TICK_MS);
    timer.unref();
    return () => clearInterval(timer);
  }
}
