// What `sluice run` and `sluice demo` share: the config-override flags, and running the
// ingestion in a terminal (logs on stderr, the progress line when stderr is a TTY) until it
// ends, turning an unclean end into the error main.ts maps to an exit code.

import type { Command } from 'commander';
import { runIngest } from '../app/ingest.js';
import { CONFIG_FLAGS } from '../config/flags.js';
import type { SluiceConfig } from '../config/schema.js';
import { createLogger } from '../observe/logger.js';
import { ProgressLine } from '../observe/progress.js';
import { exitCodeForOutcome, ExitCode, OutcomeError } from './exit-codes.js';

/** Adds one flag per overridable config key (CONFIG_FLAGS), except the keys in `skip`. */
export function addConfigFlags(command: Command, skip: ReadonlySet<string> = new Set()): Command {
  for (const flag of CONFIG_FLAGS) if (!skip.has(flag.key)) command.option(flag.flags, flag.description);
  return command;
}

/** Runs the ingestion to its end; resolves on a clean end, else throws an OutcomeError. */
export async function ingest(config: SluiceConfig): Promise<void> {
  // On a terminal the progress line sits at the bottom and log lines scroll above it;
  // anywhere else (a file, a pipe, journald) the JSON logs alone are the record.
  const progress = process.stderr.isTTY ? new ProgressLine(process.stderr) : undefined;
  const log = createLogger({ level: config.log.level, ...(progress === undefined ? {} : { destination: progress.passThrough() }) });
  try {
    const outcome = await runIngest({ config, log, ...(progress === undefined ? {} : { onProgress: (snapshot) => progress.update(snapshot) }) });
    if (exitCodeForOutcome(outcome) !== ExitCode.Ok) throw new OutcomeError(outcome);
  } finally {
    progress?.clear();
  }
}
