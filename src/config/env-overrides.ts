// Environment variables that set a config key by themselves, without a `${VAR}` in the file:
// for what an operator changes per invocation or per container (the log level) rather than
// per job. They rank under the flags and over the file: `--log-level` > `SLUICE_LOG_LEVEL` >
// `log.level` in the file > the default. An empty variable counts as unset, as `${VAR:-x}` does.

import { setKey } from './flags.js';

const TABLE: readonly (readonly [variable: string, key: string])[] = [['SLUICE_LOG_LEVEL', 'log.level']];

export interface EnvOverrides {
  /** The keys the set variables give, as a partial config (`{ log: { level: 'warn' } }`). */
  overrides: Record<string, unknown>;
  /** Dotted key -> the variable that set it, so that a bad value names the variable. */
  given: Map<string, string>;
}

export function overridesFromEnv(env: NodeJS.ProcessEnv): EnvOverrides {
  const overrides: Record<string, unknown> = {};
  const given = new Map<string, string>();
  for (const [variable, key] of TABLE) {
    const value = env[variable];
    if (value === undefined || value === '') continue;
    setKey(overrides, key, value);
    given.set(key, variable);
  }
  return { overrides, given };
}
