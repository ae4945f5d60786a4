// Flag parsers, and the config flags that every command reading the job's config takes.

import { InvalidArgumentError, type Command } from 'commander';
import { loadConfig } from '../config/load.js';
import type { SluiceConfig } from '../config/schema.js';
import { addConfigFlags } from './ingest.js';

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

/**
 * Adds `--config FILE` and the flags of `sluice run` that override config keys, so an
 * operator points every command at the job's own config file (and the same overrides).
 */
export function addConfigOptions(command: Command): Command {
  return addConfigFlags(command.option('--config <file>', 'YAML config file (every key can also be given, or overridden, by its flag)'));
}

/** The configuration that `--config` and the config flags among `flags` (commander's opts()) make. */
export function configFromFlags(flags: Readonly<Record<string, unknown>>): Promise<SluiceConfig> {
  const values: Record<string, string> = {};
  for (const [name, value] of Object.entries(flags)) if (typeof value === 'string') values[name] = value;
  const file = values.config;
  return loadConfig({ ...(file === undefined ? {} : { file }), flags: values });
}
