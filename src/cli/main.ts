#!/usr/bin/env -S node --max-semi-space-size=1 --single-threaded-gc
// The CLI entry point: the only place that turns an outcome into a process exit code. The
// command modules only define their commands; each action imports what it runs, so that
// `--version`, a help or one command loads only its own share of sluice.

import { Command, CommanderError } from 'commander';
import { VERSION } from '../version.js';
import { checkpointsCommand } from './checkpoints.js';
import { configCommand } from './config-print.js';
import { ctlCommand } from './ctl.js';
import { demoCommand } from './demo.js';
import { emulatorCommand } from './emulator.js';
import { ExitCode, exitCodeFor } from './exit-codes.js';
import { describeConfigFlags } from './options.js';
import { runCommand } from './run.js';
import { shardsCommand } from './shards.js';
import { validateCommand } from './validate.js';

const HELP_ARGUMENTS = new Set(['help', '-h', '--help']);

const program = new Command('sluice')
  .description('Ingest Alibaba Cloud SLS logstores into files and databases; stop it at any moment and lose nothing.')
  .version(VERSION)
  .exitOverride()
  .addCommand(runCommand())
  .addCommand(emulatorCommand())
  .addCommand(shardsCommand())
  .addCommand(validateCommand())
  .addCommand(configCommand())
  .addCommand(checkpointsCommand())
  .addCommand(demoCommand())
  .addCommand(ctlCommand());
// Subcommands added with addCommand() do not inherit exitOverride: set it on each, and on
// theirs (`config print`), so that usage errors reach the catch below and get the documented exit code.
const withSubcommands = (command: Command): Command[] => [command, ...command.commands.flatMap(withSubcommands)];
const commands = withSubcommands(program);
for (const command of commands) command.exitOverride();

try {
  // Commander writes a help synchronously; the config flags' texts, read from the config schema,
  // are loaded first when the arguments may ask for one (`help`, `-h`, `--help`), and only then.
  if (process.argv.slice(2).some((arg) => HELP_ARGUMENTS.has(arg))) await describeConfigFlags(commands);
  await program.parseAsync(process.argv);
  process.exit(ExitCode.Ok);
} catch (error) {
  if (error instanceof CommanderError) {
    // --help and --version end here too, with exit code 0.
    process.exit(error.exitCode === 0 ? ExitCode.Ok : ExitCode.Usage);
  }
  process.stderr.write(`sluice: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(exitCodeFor(error));
}
