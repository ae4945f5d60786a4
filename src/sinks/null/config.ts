// Config of the null sink: nothing to configure.

import { z } from 'zod';

export const nullSinkConfig = z
  .strictObject({
    type: z.literal('null').describe('Acknowledge every batch without writing it anywhere (tests and benchmarks).'),
  })
  .describe('Decodes records as the file sink does (to NDJSON, on the decode threads) and discards them: measures the pipeline without a sink in the way.');

export type NullSinkConfig = z.output<typeof nullSinkConfig>;
