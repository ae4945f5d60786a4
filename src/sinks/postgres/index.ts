// Registers the PostgreSQL sink under `type: postgres`. The sink and its check are imported
// only when used: they load `pg` (and Node's fetch, which `pg` touches at load), a fifth of
// a second that a run into a file, or `sluice --version`, must not pay.

import type { SinkDefinition } from '../sink-definition.js';
import { postgresSinkConfig } from './config.js';

export const postgresSink: SinkDefinition<'postgres', typeof postgresSinkConfig> = {
  type: 'postgres',
  schema: postgresSinkConfig,
  create: async (config, { log, fields, origin }) => {
    const { PostgresSink } = await import('./sink.js');
    return new PostgresSink({ config, fields, origin, log });
  },
  check: async (config, { fields }) => {
    const { checkPostgres } = await import('./check.js');
    return checkPostgres(config, fields);
  },
};
