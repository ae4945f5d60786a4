// Flag parsers, and the config flags that every command reading the job's config takes:
// `run`, `demo`, `validate`, `shards`, `checkpoints reset` and `config print`.

import { InvalidArgumentError, type Command } from 'commander';
import { CONFIG_FLAGS } from '../config/flags.js';
import { loadConfig } from '../config/load.js';
import type { SluiceConfig } from '../config/schema.js';

/** A commander parser for a whole number within [min, max]. */
export function integerIn(min: number, max: number): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!/^-?\d+$/.test(value.trim()) || n < min || n > max) {
      throw new InvalidArgumentError(`expected a whole number from ${min} to ${max}, got "${value}".`);
    }
    return n;
  };
}

/** Adds one flag per overridable config key (CONFIG_FLAGS), except the keys in `skip`. */
export function addConfigFlags(command: Command, skip: ReadonlySet<string> = new Set()): Command {
  for (const flag of CONFIG_FLAGS) if (!skip.has(flag.key)) command.option(flag.flags, flag.description);
  return command;
}

/**
 * Adds `--config FILE` and the flags of `sluice run` that override config keys, so an
 * operator points every command at the job's own config file (and the same overrides).
 */
export function addConfigOptions(command: Command): Command {
  return addConfigFlags(command.option('--config <file>', 'YAML config file (every key can also be given, or overridden, by its flag)'));
}

/** The configuration that `--config` and the config flags among `flags` (commander's opts()) make. */
export function configFromFlags(flags: Readonly<Record<string, unknown>>): Promise<SluiceConfig> {
  const values = stringFlags(flags);
  const file = values.config;
  return loadConfig({ ...(file === undefined ? {} : { file }), flags: values });
}

/** The flags among `flags` whose values are strings: the config flags (a command's own numeric flags are not config keys). */
export function stringFlags(flags: Readonly<Record<string, unknown>>): Record<string, string> {
  const values: Record<string, string> = {};
  for (const [name, value] of Object.entries(flags)) if (typeof value === 'string') values[name] = value;
  return values;
}
