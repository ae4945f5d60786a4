// Every source type sluice knows, by the name `source.type` selects it with, so the CLI
// builds a source from its config section without importing a concrete one. Adding a
// source type is one folder and one line below.

import type { Source, SourceDeps } from './source.js';
import { slsSource, type SlsSourceConfig } from './sls/index.js';

/** The `source` section of a validated config (one member per source type). */
export type SourceConfig = SlsSourceConfig;

const DEFINITIONS = [slsSource] as const;

/** The `source.type` values. */
export const SOURCE_TYPES: readonly SourceConfig['type'][] = DEFINITIONS.map((definition) => definition.type);

/** A new source for a validated config section; it starts reading when run() is called. */
export function createSource(config: SourceConfig, deps: SourceDeps): Source {
  const definition = DEFINITIONS.find((candidate) => candidate.type === config.type);
  // Only reachable when a config skipped the schema: it admits no other type.
  if (definition === undefined) throw new Error(`no source registered for type ${JSON.stringify(config.type)}; sluice knows ${SOURCE_TYPES.join(', ')}`);
  return definition.create(config, deps);
}
