// Flag parsers, and the config flags that every command reading the job's config takes:
// `run`, `demo`, `validate`, `shards`, `checkpoints reset` and `config print`. Defining them
// loads nothing of the config: its schema (zod) is loaded when a command reads the config,
// and the flags' help texts, which come from the schema, when a help is shown.

import { InvalidArgumentError, Option, type Command } from 'commander';
import { CONFIG_FLAGS } from '../config/flags.js';
import type { SluiceConfig } from '../config/schema.js';

/** A flag that overrides a config key; describeConfigFlags gives it its help text. */
class ConfigFlagOption extends Option {
  readonly configKey: string;

  constructor(flags: string, configKey: string) {
    super(flags);
    this.configKey = configKey;
  }
}

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
  for (const flag of CONFIG_FLAGS) if (!skip.has(flag.key)) command.addOption(new ConfigFlagOption(flag.flags, flag.key));
  return command;
}

/**
 * Adds `--config FILE` and the flags of `sluice run` that override config keys, so an
 * operator points every command at the job's own config file (and the same overrides).
 */
export function addConfigOptions(command: Command): Command {
  return addConfigFlags(command.option('--config <file>', 'YAML config file (every key can also be given, or overridden, by its flag)'));
}

/**
 * Gives the config flags of `commands` their help texts, from the config schema. Commander
 * writes a help synchronously, so main.ts calls this before parsing arguments that may ask for one.
 */
export async function describeConfigFlags(commands: readonly Command[]): Promise<void> {
  const { flagHelp } = await import('../config/flag-help.js');
  for (const command of commands) {
    for (const option of command.options) if (option instanceof ConfigFlagOption) option.description = flagHelp(option.configKey);
  }
}

/** The configuration that `--config` and the config flags among `flags` (commander's opts()) make. */
export async function configFromFlags(flags: Readonly<Record<string, unknown>>): Promise<SluiceConfig> {
  const { loadConfig } = await import('../config/load.js');
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
