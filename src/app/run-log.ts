// The two log lines that frame a run: what it reads and where it writes (never a key), and
// how it ended with its counts and where each shard's checkpoint was left. An operator
// reading only these two lines knows what happened. The error that ended a run is logged with
// every secret of the config masked: a library may have put a credential in its message.

import type { Logger } from 'pino';
import type { StartPosition, StopPosition } from '../config/positions.js';
import type { SluiceConfig } from '../config/schema.js';
import { maskSecrets } from '../config/secret-values.js';
import type { RunOutcome } from './run-outcome.js';

function position(value: StartPosition | StopPosition | null): string | null {
  if (value === null) return null;
  return value.kind === 'time' ? new Date(value.unixSeconds * 1000).toISOString() : value.kind;
}

/** Logs where the run reads from and writes to, and the job's lock file. Access keys are deliberately not among the fields. */
export function logStart(config: SluiceConfig, log: Logger, lock: string | undefined): void {
  const { source, pipeline, sink, deadLetter, run } = config;
  log.info(
    {
      endpoint: source.endpoint,
      project: source.project,
      logstore: source.logstore,
      consumerGroup: source.consumerGroup,
      consumer: source.consumer,
      from: position(source.from),
      until: position(source.until),
      sink: sink.type === 'file' ? { type: sink.type, path: sink.path } : { type: sink.type },
      deadLetter: deadLetter.path,
      workers: pipeline.workers,
      queueCapacity: pipeline.queueCapacity,
      maxRuntimeMs: run.maxRuntime,
      lock: lock ?? null,
    },
    `sluice run: ${source.project}/${source.logstore} (group ${source.consumerGroup}, consumer ${source.consumer}) -> ${sink.type} sink`,
  );
}

const ENDINGS: Readonly<Record<RunOutcome['reason'], string>> = {
  end: 'reached the end of the run',
  drained: 'drained and stopped',
  'max-runtime': 'reached the max runtime and drained (what was not pulled yet is left for the next run)',
  'drain-timeout': 'stopped at the drain deadline: records not yet written were not checkpointed and are read again next run',
  'second-signal': 'stopped by a second signal: records not yet written were not checkpointed and are read again next run',
  fatal: 'stopped by an error',
};

/** How a run ended, in numbers: the summary log line's fields, and the core of `--summary`'s JSON. */
export function summaryFields({ reason, stats }: RunOutcome) {
  const seconds = stats.durationMs / 1000;
  return {
    reason,
    records: stats.ackedRecords,
    deadLettered: stats.deadLetteredRecords,
    unwritten: stats.inFlightRecords,
    bytes: stats.bytesCommitted,
    commits: stats.commits,
    durationMs: stats.durationMs,
    recordsPerSecond: seconds > 0 ? Math.round(stats.ackedRecords / seconds) : 0,
    checkpoints: stats.checkpoints,
  };
}

/** Logs how the run ended: records and bytes written, dead letters, duration and rate, each shard's checkpoint; `secrets` masked in its error. */
export function logSummary(outcome: RunOutcome, log: Logger, secrets: readonly string[]): void {
  const { stats } = outcome;
  const fields = { ...summaryFields(outcome), ...(outcome.error === undefined ? {} : { err: maskedError(outcome.error, secrets) }) };
  const text = `${ENDINGS[outcome.reason]}: ${stats.ackedRecords} records written, ${stats.deadLetteredRecords} dead-lettered, in ${(stats.durationMs / 1000).toFixed(1)} s`;
  if (outcome.reason === 'end' || outcome.reason === 'drained' || outcome.reason === 'max-runtime') log.info(fields, text);
  else if (outcome.reason === 'fatal') log.error(fields, text);
  else log.warn(fields, text);
}

/**
 * A copy of `error` for a log line: the same class and fields (so the logger names its type and
 * code as before), its causes copied alike, every string with `secrets` masked.
 */
export function maskedError(error: unknown, secrets: readonly string[]): unknown {
  if (typeof error === 'string') return maskSecrets(error, secrets);
  if (!(error instanceof Error) || secrets.length === 0) return error;
  const copy: unknown = Object.create(Object.getPrototypeOf(error) as object | null);
  for (const key of Object.getOwnPropertyNames(error)) {
    const value: unknown = Reflect.get(error, key);
    const { enumerable } = Object.getOwnPropertyDescriptor(error, key) ?? {};
    const masked = typeof value === 'string' || value instanceof Error ? maskedError(value, secrets) : value;
    Object.defineProperty(copy, key, { value: masked, enumerable, writable: true, configurable: true });
  }
  return copy;
}
