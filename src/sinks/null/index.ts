// Registers the null sink under `type: null`.

import type { SinkDefinition } from '../sink-definition.js';
import { nullSinkConfig } from './config.js';
import { NullSink } from './sink.js';

export const nullSink: SinkDefinition<'null', typeof nullSinkConfig> = {
  type: 'null',
  schema: nullSinkConfig,
  create: () => new NullSink(),
};
