// The graceful drain: the fixed order in which a stopping sluice hands everything back.
//
// The order is the whole fix for the duplicates and losses of the official consumers, which
// checkpoint when process() returns rather than when data is durable, and stop heart-beating
// before their final checkpoint, so the server gives the shards to another consumer that
// starts from an older checkpoint and reads again what was already delivered.
//
//   1. source.stopPulling(): no new PullLogs, so the work to finish stops growing. The
//      heartbeat keeps running: the shards stay ours.
//   2. pipeline.drain(): the queue empties and the active workers reach zero; every accepted
//      record is now written (sink or dead-letter file) and acked, so each shard's watermark
//      has reached the end of what was pulled.
//   3. sink.close(), then deadLetter.close(): release files and connections. Before the
//      checkpoint, so the checkpoint is written after the last byte the sinks will ever write,
//      and a failing close is known before the checkpoint vouches for the data.
//   4. source.commitCheckpoints(): write each shard's watermark while the heartbeat still
//      reports the shards as ours; committed after release, the checkpoint would be refused
//      or race a peer that already started from the old one.
//   5. source.close(): stop the heartbeat and give the shards back; a peer now takes them from
//      the checkpoint of step 4.
//   6. the metrics and admin endpoint last (`server`, with --listen), so readiness (not
//      ready) and the metrics stay observable for the whole drain.
//
// When waiting must stop (the deadline passed, a second signal came, the pipeline failed),
// step 2 is cut short with pipeline.abort(): unfinished writes are abandoned and their records
// stay unacked. Steps 3 to 6 still run: the watermark only ever covers acked records, so the
// checkpoint of step 4 is still exact, and re-running resumes from it. Once hurried, each of
// those steps gets a short grace (a commit retrying against a failing SLS could otherwise
// outlive any deadline); the step after it, source.close(), ends whatever was cut off.

import type { Logger } from 'pino';
import type { HurryReason } from './stop-signals.js';
import type { Cancel, Timers } from './timers.js';

export interface DrainParts {
  source: { stopPulling(): void; commitCheckpoints(): Promise<void>; close(): Promise<void> };
  pipeline: { drain(signal?: AbortSignal): Promise<void>; abort(): void };
  /** Closed in this order after the pipeline drained: the sink, then the dead-letter file. */
  outputs: readonly { close(): Promise<void> }[];
  /** Closed last: the metrics and admin endpoint, when the run has one. */
  server?: { close(): Promise<void> };
}

export interface DrainOptions {
  /** Aborts, with a HurryReason, when the drain must stop waiting for the pipeline. */
  hurry: AbortSignal;
  /** Skip waiting for the pipeline at all (it failed: nothing it holds can still be written). */
  abandon?: boolean;
  /** What is still pending, logged every `pendingEveryMs` while the pipeline drains. */
  pending: () => Record<string, unknown>;
  pendingEveryMs?: number;
  /** Once hurried, how long each later step may still take; default 1 s (a second signal means "now"). */
  hurriedStepMs?: number;
  timers: Timers;
  log: Logger;
}

export interface DrainResult {
  /** 'drained' when every accepted record was written before the checkpoints. */
  outcome: 'drained' | HurryReason | 'abandoned';
  /** The first step that failed, if any; the later steps still ran. */
  error?: unknown;
}

const PENDING_EVERY_MS = 5000;
const HURRIED_STEP_MS = 1000;

export async function drain(parts: DrainParts, options: DrainOptions): Promise<DrainResult> {
  const { log } = options;
  const errors: unknown[] = [];
  const step = async (name: string, action: () => Promise<void>): Promise<void> => {
    try {
      const finished = await withinGrace(action(), options);
      if (!finished) throw new Error(`gave up ${name}: still not done ${options.hurriedStepMs ?? HURRIED_STEP_MS} ms after the drain was told to stop`);
    } catch (error) {
      log.error({ err: error, step: name }, `drain: ${name} failed`);
      errors.push(error);
    }
  };

  parts.source.stopPulling();
  const outcome = await drainPipeline(parts.pipeline, options, errors);
  log.info({ outcome }, outcome === 'drained' ? 'drain: pipeline empty, closing sinks' : 'drain: pipeline aborted, closing sinks');
  for (const output of parts.outputs) await step('closing a sink', () => output.close());
  await step('committing checkpoints', () => parts.source.commitCheckpoints());
  await step('closing the source', () => parts.source.close());
  if (parts.server !== undefined) await step('closing the server', () => parts.server!.close());
  return errors.length === 0 ? { outcome } : { outcome, error: errors[0] };
}

/** Step 2: waits for the pipeline to empty unless told to hurry; aborts it when it did not. */
async function drainPipeline(pipeline: DrainParts['pipeline'], options: DrainOptions, errors: unknown[]): Promise<DrainResult['outcome']> {
  const { hurry } = options;
  if (options.abandon) {
    pipeline.abort();
    return 'abandoned';
  }
  const stopLogging = options.timers.setInterval(
    () => options.log.info(options.pending(), 'drain: waiting for in-flight records'),
    options.pendingEveryMs ?? PENDING_EVERY_MS,
  );
  try {
    if (!hurry.aborted) {
      const drained = pipeline.drain(hurry).then(
        () => true,
        (error: unknown) => {
          // Rejecting because we hurried is expected; anything else is a failure to report.
          if (!hurry.aborted) errors.push(error);
          return false;
        },
      );
      if (await Promise.race([drained, aborted(hurry)])) return 'drained';
    }
  } finally {
    stopLogging();
  }
  pipeline.abort();
  return hurry.aborted ? (hurry.reason as HurryReason) : 'abandoned';
}

/**
 * Resolves true when `work` is done, or false when it is still running `hurriedStepMs` after
 * the hurry signal aborted; rejects when `work` rejects.
 */
function withinGrace(work: Promise<void>, options: DrainOptions): Promise<boolean> {
  const { hurry, timers } = options;
  return new Promise((resolve, reject) => {
    let cancel: Cancel | undefined;
    let settled = false;
    const finish = (settle: () => void): void => {
      if (settled) return;
      settled = true;
      cancel?.();
      hurry.removeEventListener('abort', startGrace);
      settle();
    };
    const startGrace = (): void => {
      cancel = timers.setTimeout(() => finish(() => resolve(false)), options.hurriedStepMs ?? HURRIED_STEP_MS);
    };
    work.then(
      () => finish(() => resolve(true)),
      (error: unknown) => finish(() => reject(error)),
    );
    if (hurry.aborted) startGrace();
    else hurry.addEventListener('abort', startGrace, { once: true });
  });
}

/** Resolves false once `signal` aborts. */
function aborted(signal: AbortSignal): Promise<false> {
  return new Promise((resolve) => {
    if (signal.aborted) resolve(false);
    else signal.addEventListener('abort', () => resolve(false), { once: true });
  });
}
