// The two log lines that frame a run: what it reads and where it writes (never a key), and
// how it ended with its counts. An operator reading only these two lines knows what happened.

import type { Logger } from 'pino';
import type { StartPosition, StopPosition } from '../config/positions.js';
import type { SluiceConfig } from '../config/schema.js';
import type { RunOutcome } from './run-outcome.js';

function position(value: StartPosition | StopPosition | null): string | null {
  if (value === null) return null;
  return value.kind === 'time' ? new Date(value.unixSeconds * 1000).toISOString() : value.kind;
}

/** Logs where the run reads from and writes to. Access keys are deliberately not among the fields. */
export function logStart(config: SluiceConfig, log: Logger): void {
  const { source, pipeline, sink, deadLetter } = config;
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
    },
    `sluice run: ${source.project}/${source.logstore} (group ${source.consumerGroup}, consumer ${source.consumer}) -> ${sink.type} sink`,
  );
}

const ENDINGS: Readonly<Record<RunOutcome['reason'], string>> = {
  end: 'reached the end of the run',
  drained: 'drained and stopped',
  'drain-timeout': 'stopped at the drain deadline: records not yet written were not checkpointed and are read again next run',
  'second-signal': 'stopped by a second signal: records not yet written were not checkpointed and are read again next run',
  fatal: 'stopped by an error',
};

/** Logs how the run ended: records written, dead letters, duration and rate. */
export function logSummary(outcome: RunOutcome, log: Logger): void {
  const { stats } = outcome;
  const seconds = stats.durationMs / 1000;
  const fields = {
    reason: outcome.reason,
    records: stats.ackedRecords,
    deadLettered: stats.deadLetteredRecords,
    unwritten: stats.inFlightRecords,
    commits: stats.commits,
    durationMs: stats.durationMs,
    recordsPerSecond: seconds > 0 ? Math.round(stats.ackedRecords / seconds) : 0,
    ...(outcome.error === undefined ? {} : { err: outcome.error }),
  };
  const text = `${ENDINGS[outcome.reason]}: ${stats.ackedRecords} records written, ${stats.deadLetteredRecords} dead-lettered, in ${seconds.toFixed(1)} s`;
  if (outcome.reason === 'end' || outcome.reason === 'drained') log.info(fields, text);
  else if (outcome.reason === 'fatal') log.error(fields, text);
  else log.warn(fields, text);
}
