// What the CLI and the lifecycle know of a source, whatever its type: a run that hands
// batches to the pipeline, the drain steps in their order, pause/resume and counters.

import type { Logger } from 'pino';
import type { AckView, BatchIntake } from '../pipeline/pulled-batch.js';

/** Why run() ended: the configured end was reached everywhere (`until`), or stopPulling() was called. */
export type SourceEnd = 'end' | 'stopped';

export interface Source {
  /** Pulls until the end (`until`) or stopPulling(); rejects with the error that made reading impossible. */
  run(): Promise<SourceEnd>;
  /** Drain step 1: no new pulls; what is in flight finishes or is dropped unaccepted. Everything else keeps running. */
  stopPulling(): void;
  /** Stops issuing pulls until resume(); in-flight work, heartbeats and checkpoint commits go on. */
  pause(): void;
  resume(): void;
  readonly paused: boolean;
  /** Drain step 4 (the pipeline drained, sinks closed): commits every held shard's acked position. */
  commitCheckpoints(): Promise<void>;
  /** Last step: stops every timer and gives up the connection. Idempotent. */
  close(): Promise<void>;
  stats(): SourceStats;
  /** Per held shard that is reading, how many log groups it is behind the shard's end; may ask SLS (the metrics' scrape). */
  cursorLag(): Promise<CursorLag[]>;
}

/** One shard's distance to its end. */
export interface CursorLag {
  shard: number;
  logGroups: number;
}

/** For the progress line, the logs and the metrics. */
export interface SourceStats {
  heldShards: number[];
  pulls: number;
  pulledLogGroups: number;
  /** LogGroupList bytes pulled, before compression. */
  pulledBytes: number;
  /** Largest, over the held shards, of now minus the receive time of what was last read; 0 when caught up. */
  lagSeconds: number;
  /** Calls repeated after a retryable failure. */
  retries: number;
  /** SLS errors met (each failed attempt of a call), by error code. */
  errorsByCode: Record<string, number>;
  /** Heartbeat calls that failed (each retry counts). */
  heartbeatFailures: number;
  shards: Array<{
    shard: number;
    cursor: string;
    caughtUp: boolean;
    done: boolean;
    /** As lagSeconds, for this shard. */
    lagSeconds: number;
    /** Seconds since the group's checkpoint last covered every acked record of the shard; undefined before it was read. */
    checkpointAgeSeconds: number | undefined;
  }>;
  /** Each shard this run held, with the checkpoint the group holds for it from this run: where the next run continues. */
  checkpoints: ShardCheckpoint[];
}

export interface ShardCheckpoint {
  shard: number;
  /** The cursor the group's checkpoint holds. */
  checkpoint: string;
}

/** What the application hands every source it creates. */
export interface SourceDeps {
  intake: BatchIntake;
  acks: AckView;
  log: Logger;
}

/** A source type as the registry knows it: the name `source.type` selects it by, and how to build one from its config section. */
export interface SourceDefinition<C extends { type: string }> {
  type: C['type'];
  create(config: C, deps: SourceDeps): Source;
}
