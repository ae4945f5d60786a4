// Config of the PostgreSQL sink: where the database is, which table the records go to, and
// whether replays are absorbed by a dedupe key. The table's layout itself follows parse.fields
// (see table-layout.ts); `columns` only renames.

import { z } from 'zod';
import { boolean, duration, size, wholeNumber } from '../../config/units.js';
import { POSTGRES_URL } from './connection-target.js';

const text = z.string().min(1, { message: 'must not be empty', abort: true });

export const postgresSinkConfig = z
  .strictObject({
    type: z.literal('postgres').describe('Write records into a PostgreSQL table, one COPY per commit.'),
    url: z
      .string()
      // The value is a secret (it may hold a password): the message must not repeat it.
      .refine((url) => POSTGRES_URL.test(url.trim()), 'expected a URL such as postgres://user:password@host:5432/database')
      .optional()
      .meta({
        description:
          'Connection URL, e.g. `postgres://user:password@host:5432/db`; `--output postgres://...` sets it. ' +
          'Without it, the standard variables PGHOST, PGPORT, PGUSER, PGPASSWORD and PGDATABASE apply.',
        shownDefault: 'the `PG*` environment variables',
        secret: true,
      }),
    schema: text.default('public').describe('Schema of the table; created if missing.'),
    table: text.default('requests').describe('Table the records go to; created with a column per record key if missing, else its columns are matched by name.'),
    dedupe: boolean
      .prefault(false)
      .describe('Absorb replayed records: a unique key on (project, logstore, shard, cursor, index) and inserts that skip rows already there.'),
    columns: z
      .record(text, text)
      .optional()
      .describe('Column names that differ from the record keys, e.g. `{time: logged_at, request_id: req_id}`; other keys use their own names.'),
    connectTimeout: duration
      .refine((ms) => ms > 0, 'must be longer than 0')
      .prefault('10s')
      .describe('How long to wait for a connection to the database before the attempt counts as failed.'),
    commitTimeout: duration
      .refine((ms) => ms > 0, 'must be longer than 0')
      .prefault('60s')
      .describe('A commit not done after this long is abandoned and retried: its connection is closed, so the database rolls it back.'),
    batch: z
      .strictObject({
        maxRecords: wholeNumber(1).optional().describe('Records in one commit at most; default pipeline.batch.maxRecords.'),
        maxBytes: size.refine((bytes) => bytes > 0, 'must be more than 0').optional().describe('Bytes of records in one commit at most; default pipeline.batch.maxBytes.'),
        linger: duration.optional().describe('How long a commit waits for more records; default pipeline.batch.linger.'),
        maxInFlight: wholeNumber(1, 64)
          .prefault(2)
          .describe('Commits written at once, each in its own transaction on its own connection (the pool holds this many).'),
      })
      .prefault({})
      .describe('Commits into this table, over pipeline.batch.'),
  })
  .describe('PostgreSQL table; every commit is one transaction with one COPY.');

export type PostgresSinkConfig = z.output<typeof postgresSinkConfig>;
