// Config of the stdout sink: nothing to configure, the output is the process's stdout.

import { z } from 'zod';

export const stdoutSinkConfig = z
  .strictObject({
    type: z.literal('stdout').describe('Write NDJSON records to standard output, e.g. to pipe them into jq.'),
  })
  .describe('NDJSON on standard output.');

export type StdoutSinkConfig = z.output<typeof stdoutSinkConfig>;
