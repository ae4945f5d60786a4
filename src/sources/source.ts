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
}

/** For the progress line and the logs. */
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
  shards: Array<{ shard: number; cursor: string; caughtUp: boolean; done: boolean }>;
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
