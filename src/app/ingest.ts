// The composition root of `sluice run` and `sluice demo`: the job's lock, then config -> sink,
// dead-letter file, parser, pipeline, source (each through its registry), then the actor
// group that decides why the run stops, then the ordered drain. The only file that knows every component; each
// component knows only its own contracts.

import type { EventEmitter } from 'node:events';
import type { Logger } from 'pino';
import type { SluiceConfig } from '../config/schema.js';
import { secretValues } from '../config/secret-values.js';
import { formatDuration } from '../config/units.js';
import { ActorGroup, type Finish } from '../lifecycle/actor-group.js';
import { drain, type DrainResult } from '../lifecycle/drain.js';
import { togglePauseOnSignal } from '../lifecycle/pause-toggle.js';
import { StopSignals } from '../lifecycle/stop-signals.js';
import { realTimers, type Cancel, type Timers } from '../lifecycle/timers.js';
import { createLogger } from '../observe/logger.js';
import type { ProgressSnapshot } from '../observe/progress.js';
import { Pipeline, type PipelineStats } from '../pipeline/pipeline.js';
import { DeadLetterFile } from '../sinks/dead-letter.js';
import { createSink } from '../sinks/registry.js';
import type { Sink } from '../sinks/sink.js';
import { createSource } from '../sources/registry.js';
import type { Source } from '../sources/source.js';
import type { RunEndpoint } from './run-endpoint.js';
import { logStart, logSummary, maskedError } from './run-log.js';
import { holdingJobLock, jobLockPath } from './job-lock.js';
import type { RunOutcome, RunStats } from './run-outcome.js';

export interface IngestOptions {
  config: SluiceConfig;
  /** Where SIGINT/SIGTERM/SIGUSR2 come from; the process by default (tests pass an EventEmitter). */
  signals?: EventEmitter;
  log?: Logger;
  /** Milliseconds clock for the run's duration and progress; default performance.now. */
  now?: () => number;
  timers?: Timers;
  /** Called every PROGRESS_EVERY_MS with the run's counters (the CLI's progress line). */
  onProgress?: (snapshot: ProgressSnapshot) => void;
}

export const PROGRESS_EVERY_MS = 500;

/** What ended the run, from the actor group's point of view. */
type Stop = 'signal' | 'end' | 'max-runtime' | 'stopped' | 'interrupted';

interface Parts {
  sink: Sink;
  deadLetter: DeadLetterFile;
  pipeline: Pipeline;
  source: Source;
  /** The metrics and admin endpoint, when observe.listen asks for one. */
  endpoint: RunEndpoint | undefined;
}

/** How the run ended, with the counters the parts had then (none when it failed before they existed). */
type Ended = Omit<RunOutcome, 'stats'> & Pick<RunStats, keyof PipelineStats | 'checkpoints'>;

/** The counters of a run that failed before it had a pipeline (the lock was held, the source could not be made). */
const NOTHING_DONE: Omit<Ended, 'reason' | 'error'> = {
  acceptedRecords: 0,
  ackedRecords: 0,
  deadLetteredRecords: 0,
  inFlightRecords: 0,
  peakInFlightRecords: 0,
  queuedChunks: 0,
  activeWorkers: 0,
  commits: 0,
  commitFailures: 0,
  bytesCommitted: 0,
  checkpoints: [],
};

/**
 * Runs the ingestion until its end, a signal, `run.maxRuntime` or a fatal error, drains, and
 * says how it ended. Never rejects: whatever stops the run, from the job's lock being held
 * to a sink that gave up, is the outcome's error.
 */
export async function runIngest(options: IngestOptions): Promise<RunOutcome> {
  const { config } = options;
  const log = options.log ?? createLogger({ level: config.log.level });
  const now = options.now ?? (() => performance.now());
  const timers = options.timers ?? realTimers;
  const secrets = secretValues(config);
  const started = now();
  const startedAt = new Date();
  const { endpoint, project, logstore, consumerGroup, consumer } = config.source;
  const job = { endpoint, project, logstore, consumerGroup, consumer };
  const lock = jobLockPath(config.run.lock, job);
  // Heard from the first instant: a SIGTERM while the lock is taken, a sink's module loads or a
  // database connects ends the run with a drain of nothing, not with Node's default death.
  const stop = new StopSignals({ emitter: options.signals ?? process, drainTimeoutMs: config.pipeline.drainTimeout, timers, log });
  const ended = await holdingJobLock(lock, job, log, () => {
    logStart(config, log, lock);
    return compose(config, log).then((parts) => runParts(parts, stop, { ...options, log, timers, started, now, secrets }));
  })
    .catch((error: unknown): Ended => ({ reason: 'fatal', error, ...NOTHING_DONE }))
    .finally(() => stop.dispose());
  const { reason, error, ...counters } = ended;
  const durationMs = Math.round(now() - started);
  // One clock for both ends, so that endedAt - startedAt is durationMs.
  const endedAt = new Date(startedAt.getTime() + durationMs);
  const stats: RunStats = { ...counters, durationMs, startedAt: startedAt.toISOString(), endedAt: endedAt.toISOString() };
  const result: RunOutcome = { reason, ...(error === undefined ? {} : { error }), stats };
  logSummary(result, log, secrets);
  return result;
}

/** Opens the outputs, runs, drains, and reads the counters once everything has stopped. */
async function runParts(parts: Parts, stop: StopSignals, context: RunContext): Promise<Ended> {
  const outcome = await openOutputs(parts).then(
    () => runOpened(parts, stop, context),
    async (error: unknown) => {
      await Promise.allSettled([parts.sink.close(), parts.deadLetter.close(), parts.source.close(), parts.endpoint?.close()]);
      return { reason: 'fatal' as const, error };
    },
  );
  // The drain is over (or never began): the decode threads have nothing left to do.
  await parts.pipeline.close();
  return { ...outcome, ...parts.pipeline.stats(), checkpoints: parts.source.stats().checkpoints };
}

async function compose(config: SluiceConfig, log: Logger): Promise<Parts> {
  const sink = await createSink(config.sink, { log, origin: { project: config.source.project, logstore: config.source.logstore }, fields: config.parse.fields });
  const deadLetter = new DeadLetterFile({ path: config.deadLetter.path, log });
  const { workers, queueCapacity, decodeThreads } = config.pipeline;
  const batch = commitLimits(config);
  // The metrics exist before the pipeline, which reports each commit to them.
  const observed = await observing(config, log);
  const pipeline = new Pipeline({
    sink,
    deadLetter,
    parse: { fields: config.parse.fields },
    workers,
    queueCapacity,
    decodeThreads,
    batch: { maxRecords: batch.maxRecords, maxBytes: batch.maxBytes, lingerMs: batch.linger, maxInFlight: batch.maxInFlight },
    log,
    onCommit: observed?.metrics.observeCommit,
  });
  const source = createSource(config.source, { intake: pipeline, acks: pipeline, log });
  const endpoint = observed?.endpoint({ pipeline, source, sink, deadLetter });
  return { sink, deadLetter, pipeline, source, endpoint };
}

/**
 * The run's metrics, and the maker of its endpoint, when observe.listen asks for them. Their
 * modules load only then: prom-client alone takes a tenth of a second to load, which a run
 * without --listen should not pay at its start.
 */
async function observing(config: SluiceConfig, log: Logger) {
  const { listen } = config.observe;
  if (listen === null) return undefined;
  const [{ RunMetrics }, { RunEndpoint }] = await Promise.all([import('../observe/metrics.js'), import('./run-endpoint.js')]);
  const metrics = new RunMetrics({ sink: config.sink.type, queueCapacity: config.pipeline.queueCapacity });
  return {
    metrics,
    endpoint: (parts: Pick<Parts, 'sink' | 'deadLetter' | 'pipeline' | 'source'>): RunEndpoint => new RunEndpoint({ listen, metrics, log, ...parts }),
  };
}

/** pipeline.batch, with what the sink's own `batch` section sets over it (a database sink commits in parallel). */
function commitLimits(config: SluiceConfig): SluiceConfig['pipeline']['batch'] {
  const own = 'batch' in config.sink ? config.sink.batch : {};
  const limits = { ...config.pipeline.batch };
  for (const [key, value] of Object.entries(own)) if (value !== undefined) Object.assign(limits, { [key]: value });
  return limits;
}

/**
 * Opens the sink and the dead-letter file before anything is pulled: a path that cannot be
 * written fails the run at start. The endpoint listens first, so /readyz says "starting"
 * while a database connects, and an address that cannot be bound fails the run before that.
 */
async function openOutputs({ sink, deadLetter, endpoint }: Parts): Promise<void> {
  await endpoint?.listen();
  await sink.open();
  await deadLetter.open();
}

type RunContext = Required<Pick<IngestOptions, 'config' | 'log' | 'timers' | 'now'>> &
  Pick<IngestOptions, 'signals' | 'onProgress'> & { started: number; secrets: readonly string[] };

async function runOpened(parts: Parts, stop: StopSignals, context: RunContext): Promise<Omit<RunOutcome, 'stats'>> {
  const { log, timers } = context;
  const cancels: Cancel[] = [togglePauseOnSignal(context.signals ?? process, parts.source, log)];
  const { onProgress } = context;
  if (onProgress !== undefined) {
    cancels.push(timers.setInterval(() => onProgress(progressOf(parts, context)), PROGRESS_EVERY_MS));
  }
  parts.endpoint?.running();
  try {
    const first = await firstStop(parts, stop, maxRuntimeReached(context, cancels));
    const failed = first.ok ? undefined : first.error;
    // A failure or the max runtime ends the run on its own; the deadline keeps its drain from hanging.
    if (!first.ok || first.value === 'max-runtime') stop.armDeadline();
    if (failed !== undefined) log.error({ err: maskedError(failed, context.secrets), in: first.actor }, 'the run failed: draining what can still be written');
    const drained = await drain(
      { source: parts.source, pipeline: parts.pipeline, outputs: [parts.sink, parts.deadLetter], server: parts.endpoint },
      { hurry: stop.hurry, abandon: first.actor === 'pipeline', pending: () => pendingOf(parts), timers, log },
    );
    return outcomeOf(first, drained);
  } finally {
    for (const cancel of cancels) cancel();
  }
}

/**
 * The actors: the operator's stop signal, the source (its end, or a fatal error), and the
 * pipeline's failure (a sink that gave up). The first to finish decides why the run stops;
 * interrupting the source is drain step 1 (stop pulling), which the drain repeats harmlessly.
 * The endpoint only listens: interrupted, it reports not ready at that very moment, before
 * the other actors have even stopped.
 */
function firstStop({ source, pipeline, endpoint }: Parts, stop: StopSignals, maxRuntime: Promise<Stop> | undefined): Promise<Finish<Stop>> {
  const group = new ActorGroup<Stop>()
    .add(untilInterrupted('signals', stop.first.then(() => 'signal' as const)))
    .add({ name: 'source', run: () => source.run(), interrupt: () => source.stopPulling() })
    .add(untilInterrupted('pipeline', pipeline.failed));
  if (maxRuntime !== undefined) group.add(untilInterrupted('max-runtime', maxRuntime));
  if (endpoint !== undefined) group.add(untilInterrupted('endpoint', new Promise<never>(() => undefined), () => endpoint.draining()));
  return group.run();
}

/**
 * Resolves 'max-runtime' once the run has lasted `run.maxRuntime` (counted from its start, so
 * opening the sink counts too); undefined without a limit. Its timer is cancelled with the run's.
 */
function maxRuntimeReached(context: RunContext, cancels: Cancel[]): Promise<Stop> | undefined {
  const { maxRuntime } = context.config.run;
  if (maxRuntime === null) return undefined;
  const left = Math.max(0, maxRuntime - (context.now() - context.started));
  return new Promise((resolve) => {
    const reached = (): void => {
      context.log.info(
        { maxRuntimeMs: maxRuntime },
        `max runtime of ${formatDuration(maxRuntime)} reached (run.maxRuntime): draining as on SIGTERM; ` +
          'records not yet pulled are left for the next run, which resumes from the checkpoint',
      );
      resolve('max-runtime');
    };
    cancels.push(context.timers.setTimeout(reached, left));
  });
}

/** An actor that only waits: for `event`, or until interrupted (and then calls `onInterrupt`). */
function untilInterrupted(name: string, event: Promise<Stop>, onInterrupt?: () => void): { name: string; run(): Promise<Stop>; interrupt(): void } {
  let interrupt!: () => void;
  const interrupted = new Promise<Stop>((resolve) => (interrupt = () => resolve('interrupted')));
  return {
    name,
    run: () => Promise.race([event, interrupted]),
    interrupt: () => {
      onInterrupt?.();
      interrupt();
    },
  };
}

function outcomeOf(first: Finish<Stop>, drained: DrainResult): Omit<RunOutcome, 'stats'> {
  if (!first.ok) return { reason: 'fatal', error: first.error };
  if (drained.outcome === 'drain-timeout' || drained.outcome === 'second-signal') return { reason: drained.outcome };
  // The pipeline failed while draining, or a checkpoint could not be written: not a clean stop.
  if (drained.error !== undefined) return { reason: 'fatal', error: drained.error };
  if (first.value === 'end' || first.value === 'max-runtime') return { reason: first.value };
  return { reason: 'drained' };
}

function progressOf({ pipeline, source }: Parts, context: RunContext): ProgressSnapshot {
  const flow = pipeline.stats();
  const { heldShards, lagSeconds } = source.stats();
  return {
    elapsedMs: context.now() - context.started,
    ackedRecords: flow.ackedRecords,
    deadLetteredRecords: flow.deadLetteredRecords,
    inFlightRecords: flow.inFlightRecords,
    heldShards: heldShards.length,
    ...(heldShards.length > 0 ? { lagSeconds } : {}),
    paused: source.paused,
  };
}

function pendingOf({ pipeline, source }: Parts): Record<string, unknown> {
  const { inFlightRecords, queuedChunks, activeWorkers } = pipeline.stats();
  return { inFlightRecords, queuedChunks, activeWorkers, heldShards: source.stats().heldShards };
}
