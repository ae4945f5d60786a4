// Config of the null sink: nothing to configure.

import { z } from 'zod';

export const nullSinkConfig = z
  .strictObject({
    type: z.literal('null').describe('Acknowledge every batch without writing it anywhere (tests and benchmarks).'),
  })
  .describe('Discards records: measures the pipeline without a sink in the way.');

export type NullSinkConfig = z.output<typeof nullSinkConfig>;
