// Registers the PostgreSQL sink under `type: postgres`.

import type { SinkDefinition } from '../sink-definition.js';
import { checkPostgres } from './check.js';
import { postgresSinkConfig } from './config.js';
import { PostgresSink } from './sink.js';

export const postgresSink: SinkDefinition<'postgres', typeof postgresSinkConfig> = {
  type: 'postgres',
  schema: postgresSinkConfig,
  create: (config, { log, fields, origin }) => new PostgresSink({ config, fields, origin, log }),
  check: (config, { fields }) => checkPostgres(config, fields),
};
