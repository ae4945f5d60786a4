// What a sink type registers: its name, its config schema and a factory. The registry looks
// sinks up by this name, so the CLI and the pipeline never import a concrete sink.

import type { Logger } from 'pino';
import type { z } from 'zod';
import type { Sink } from './sink.js';

/** What every sink receives besides its own config. */
export interface SinkContext {
  log: Logger;
  /** The SLS project and logstore the records come from (a database sink stores them: its dedupe key needs them). */
  origin: { project: string; logstore: string };
  /** parse.fields: the SLS keys records keep, from which a database sink derives its columns. */
  fields: 'all' | readonly string[];
}

export interface SinkDefinition<Type extends string = string, Schema extends z.ZodType = z.ZodType> {
  /** The `sink.type` value that selects this sink. */
  type: Type;
  /** Strict schema of the sink's config (`type` included), with defaults and a description per option. */
  schema: Schema;
  /**
   * A new, unopened sink. A sink whose code is heavy to load (postgres: `pg`) imports it here,
   * so that a run or a command that does not use it does not pay for it.
   */
  create(config: z.output<Schema>, context: SinkContext): Sink | Promise<Sink>;
  /**
   * For `sluice validate`: checks, without creating or writing anything, that open() would
   * succeed; resolves with what was checked, rejects with the SinkError open() would raise.
   * A sink with nothing to check (stdout, null) has none.
   */
  check?(config: z.output<Schema>, context: SinkContext): Promise<string>;
}
