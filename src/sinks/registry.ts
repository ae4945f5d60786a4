// Every sink type sluice knows, by the name `sink.type` selects it with. The config schema
// and the factory both come from here, so adding a sink is one folder and one line below;
// the CLI and the pipeline never import a concrete sink.

import { z } from 'zod';
import { fileSink } from './file/index.js';
import { DEFAULT_SINK_PATH } from './file/config.js';
import { nullSink } from './null/index.js';
import { postgresSink } from './postgres/index.js';
import type { SinkContext, SinkDefinition } from './sink-definition.js';
import type { Sink } from './sink.js';
import { stdoutSink } from './stdout/index.js';

const DEFINITIONS = [fileSink, stdoutSink, nullSink, postgresSink] as const;

/** The `sink.type` values, in the order the docs list them. */
export const SINK_TYPES: readonly (typeof DEFINITIONS)[number]['type'][] = DEFINITIONS.map((definition) => definition.type);

const unknownType = `use one of ${SINK_TYPES.join(', ')}`;

/** The `sink` section of the config: one strict schema per type, chosen by `type` (default `file`). */
const sinkUnion = z.discriminatedUnion('type', [fileSink.schema, stdoutSink.schema, nullSink.schema, postgresSink.schema], {
  error: (issue): string | undefined => {
    if (issue.code !== 'invalid_union' || typeof issue.input !== 'object' || issue.input === null) return undefined;
    return `unknown sink type ${JSON.stringify((issue.input as { type?: unknown }).type)}: ${unknownType}`;
  },
});

export type SinkConfig = z.output<typeof sinkUnion>;

/** The sink when the config has no `sink` section. */
export const DEFAULT_SINK: SinkConfig = { type: 'file', path: DEFAULT_SINK_PATH };

export const sinkConfigSchema = sinkUnion
  .default(DEFAULT_SINK)
  .describe('Where records go: file (default), stdout, null or postgres.');

const BY_TYPE = new Map<string, SinkDefinition>(DEFINITIONS.map((definition) => [definition.type, definition]));

/** A new, unopened sink for a validated config. */
export async function createSink(config: SinkConfig, context: SinkContext): Promise<Sink> {
  return definitionOf(config).create(config, context);
}

/** Checks, creating and writing nothing, that the sink of `config` can open; see SinkDefinition.check. */
export function checkSink(config: SinkConfig, context: SinkContext): Promise<string> {
  const definition = definitionOf(config);
  return definition.check?.(config, context) ?? Promise.resolve(`the ${config.type} sink has nothing to check`);
}

function definitionOf(config: SinkConfig): SinkDefinition {
  const definition = BY_TYPE.get(config.type);
  // Only reachable when a config skipped sinkConfigSchema: the schema admits no other type.
  if (definition === undefined) throw new Error(`no sink registered for type ${JSON.stringify(config.type)}`);
  return definition;
}
