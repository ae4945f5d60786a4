// Registers the file sink under `type: file`.

import type { SinkDefinition } from '../sink-definition.js';
import { fileSinkConfig } from './config.js';
import { checkAppendPath } from './path-check.js';
import { FILE_SINK_ROLE, FileSink } from './sink.js';

export const fileSink: SinkDefinition<'file', typeof fileSinkConfig> = {
  type: 'file',
  schema: fileSinkConfig,
  create: (config, { log }) => new FileSink({ path: config.path, rotate: config.rotate, log }),
  check: (config) => checkAppendPath(config.path, FILE_SINK_ROLE),
};
