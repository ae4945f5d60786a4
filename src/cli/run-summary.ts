// `--summary FILE`: how a run ended, as one JSON document for the cron wrapper or monitor that
// reads it after each run: why it ended and the exit code, the counts, the duration, and where
// each shard's checkpoint was left. The CLI writes it because only the CLI knows the exit code.
// It is written to a temporary file and renamed over FILE, so a reader sees the previous
// summary or this one, never half of one.

import { mkdir, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { summaryFields } from '../app/run-log.js';
import type { RunOutcome } from '../app/run-outcome.js';
import { maskSecrets } from '../config/secret-values.js';
import type { ExitCodeValue } from './exit-codes.js';

export type RunSummary = ReturnType<typeof summaryFields> & {
  exitCode: ExitCodeValue;
  startedAt: string;
  endedAt: string;
  /** The message of the error that ended the run, secrets masked. */
  error?: string;
};

/** The summary of `outcome`, which ends the process with `exitCode`; `secrets` are masked in the error's message. */
export function runSummary(outcome: RunOutcome, exitCode: ExitCodeValue, secrets: readonly string[]): RunSummary {
  const { reason, ...counts } = summaryFields(outcome);
  const { startedAt, endedAt } = outcome.stats;
  const summary: RunSummary = { reason, exitCode, ...counts, startedAt, endedAt };
  const { error } = outcome;
  if (error !== undefined) summary.error = maskSecrets(error instanceof Error ? error.message : String(error), secrets);
  return summary;
}

/** Writes `summary` to `path` atomically, making its directory if missing. */
export async function writeRunSummary(path: string, summary: RunSummary): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, `${JSON.stringify(summary, null, 2)}\n`);
  await rename(temporary, path);
}
