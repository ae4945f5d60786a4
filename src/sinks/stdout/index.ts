// Registers the stdout sink under `type: stdout`.

import type { SinkDefinition } from '../sink-definition.js';
import { stdoutSinkConfig } from './config.js';
import { StdoutSink } from './sink.js';

export const stdoutSink: SinkDefinition<'stdout', typeof stdoutSinkConfig> = {
  type: 'stdout',
  schema: stdoutSinkConfig,
  create: (_config, { log }) => new StdoutSink({ log }),
};
