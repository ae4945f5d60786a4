// What `sluice run` and `sluice demo` share: running the ingestion in a terminal (logs on
// stderr, the progress line when stderr is a TTY) until it ends, writing its summary file, and
// turning an unclean end into the error main.ts maps to an exit code (secrets masked in both).

import type { Logger } from 'pino';
import { runIngest } from '../app/ingest.js';
import type { SluiceConfig } from '../config/schema.js';
import { secretValues } from '../config/secret-values.js';
import { createLogger, type LogDestination } from '../observe/logger.js';
import { ProgressLine } from '../observe/progress.js';
import { exitCodeForOutcome, ExitCode, OutcomeError } from './exit-codes.js';
import { runSummary, writeRunSummary, type RunSummary } from './run-summary.js';

/** Runs the ingestion to its end and writes its summary (`--summary`); resolves on a clean end, else throws an OutcomeError. */
export async function ingest(config: SluiceConfig): Promise<void> {
  // On a terminal the progress line sits at the bottom and log lines, formatted for a person,
  // scroll above it; anywhere else (a file, a pipe, journald) the JSON logs alone are the record.
  const progress = process.stderr.isTTY ? new ProgressLine(process.stderr) : undefined;
  const destination = progress === undefined ? undefined : await linesForPerson(progress);
  const log = createLogger({ level: config.log.level, ...(destination === undefined ? {} : { destination }) });
  try {
    const outcome = await runIngest({ config, log, ...(progress === undefined ? {} : { onProgress: (snapshot) => progress.update(snapshot) }) });
    const exitCode = exitCodeForOutcome(outcome);
    const secrets = secretValues(config);
    if (config.run.summary !== null) await writeSummary(config.run.summary, runSummary(outcome, exitCode, secrets), log);
    if (exitCode !== ExitCode.Ok) throw new OutcomeError(outcome, secrets);
  } finally {
    progress?.clear();
  }
}

/** Log lines formatted for a person, above the progress line; pino-pretty is loaded only for them. */
async function linesForPerson(progress: ProgressLine): Promise<LogDestination> {
  const { colorAllowed, prettyLines } = await import('../observe/pretty.js');
  return prettyLines(progress.passThrough(), { colorize: colorAllowed() });
}

/** A summary that cannot be written is reported, but does not change how the run ended (its data is written and checkpointed). */
async function writeSummary(path: string, summary: RunSummary, log: Logger): Promise<void> {
  try {
    await writeRunSummary(path, summary);
  } catch (error) {
    log.error({ err: error, summary: path }, `could not write the run summary to ${path} (run.summary): ${error instanceof Error ? error.message : String(error)}`);
  }
}
