// Config of the file sink (the default sink): where the NDJSON goes and when to start a new file.

import { z } from 'zod';
import { duration, size } from '../../config/units.js';

export const DEFAULT_SINK_PATH = './data/requests.ndjson';

export const fileSinkConfig = z
  .strictObject({
    type: z.literal('file').default('file').describe('Append NDJSON records to a local file (the default sink).'),
    path: z
      .string()
      .min(1, 'must not be empty')
      .default(DEFAULT_SINK_PATH)
      .describe('File the records are appended to; missing directories are created, an existing file is continued.'),
    rotate: z
      .strictObject({
        maxBytes: size
          .refine((bytes) => bytes > 0, 'maxBytes must be more than 0')
          .optional()
          .describe('Start a new file before a batch would take the current one past this size, e.g. 256MiB.'),
        interval: duration
          .refine((ms) => ms > 0, 'interval must be more than 0')
          .optional()
          .describe('Start a new file once the current one has been open this long, e.g. 1h.'),
      })
      .optional()
      .describe('Rotation: the full file is renamed to <name>.<UTC time, e.g. 20261121T101500Z><ext> and a new one begun.'),
  })
  .describe('NDJSON file; every commit is one append and an fdatasync.');

export type FileSinkConfig = z.output<typeof fileSinkConfig>;
