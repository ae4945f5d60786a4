// How a run of the ingestion ended, as a value: the CLI maps it to an exit code
// (src/cli/exit-codes.ts), tests assert on it, and nothing in between calls process.exit.

import type { PipelineStats } from '../pipeline/pipeline.js';
import type { ShardCheckpoint } from '../sources/source.js';

export type RunReason =
  /** Every shard reached the configured `until`, and everything read was written and checkpointed. */
  | 'end'
  /** Stopped by a signal; everything pulled was written and checkpointed. */
  | 'drained'
  /** `run.maxRuntime` passed: drained as on a signal; what was not pulled yet is left for the next run. */
  | 'max-runtime'
  /** Stopped by a signal, but the drain deadline passed first: only written records were checkpointed. */
  | 'drain-timeout'
  /** A second signal cut the drain short: only written records were checkpointed. */
  | 'second-signal'
  /** An error stopped the run (`error` says which); written records were still checkpointed where SLS allowed. */
  | 'fatal';

export type RunStats = PipelineStats & {
  /** Wall time from start to the end of the drain. */
  durationMs: number;
  /** When the run started and ended, ISO 8601. */
  startedAt: string;
  endedAt: string;
  /** The checkpoint this run left for each shard it held (see SourceStats). */
  checkpoints: ShardCheckpoint[];
};

export interface RunOutcome {
  reason: RunReason;
  /** Set when `reason` is 'fatal'. */
  error?: unknown;
  stats: RunStats;
}
