// Config of the null sink: nothing to configure.

import { z } from 'zod';

export const nullSinkConfig = z
  .strictObject({
    type: z.literal('null').describe('Acknowledge every batch without writing it anywhere (tests and benchmarks).'),
  })
  .describe('Counts records and discards them, undecoded (logs are not parsed, so none is dead-lettered for its content): measures pulling without a sink in the way.');

export type NullSinkConfig = z.output<typeof nullSinkConfig>;
