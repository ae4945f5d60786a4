// One commit of the sink: one transaction holding one `COPY ... FROM STDIN` of the whole
// batch, streamed in chunks as the connection takes them. Either every record of the batch is
// in the table when commit() resolves, or none is.
//
// With dedupe, the rows are copied into a temporary table and moved with
// `INSERT ... ON CONFLICT (dedupe key) DO NOTHING`, in the same transaction: a replayed record
// (a batch written before a crash but not checkpointed) is skipped, while any other constraint
// still rejects its row. The temporary table is made of exactly the copied columns (CREATE
// TABLE AS ... WITH NO DATA) rather than LIKE the target: LIKE would carry over the target's
// NOT NULL identity columns, which the COPY does not fill.

import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { escapeIdentifier, type PoolClient } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { RequestRecord } from '../../parse/request-record.js';
import type { CopyTextEncoder } from './copy-text.js';
import type { PlannedColumn } from './existing-table.js';
import { dedupeColumns } from './table-setup.js';

const STAGING = 'pg_temp.sluice_batch';

/** The statements of one commit, built once at open. */
export interface CommitStatements {
  /** Sent before the COPY, as one round trip: BEGIN, and the staging table with dedupe. */
  begin: string;
  copy: string;
  /** Sent after the COPY, as one round trip: the move from staging with dedupe, and COMMIT. */
  commit: string;
}

export function commitStatements(table: string, columns: readonly PlannedColumn[], dedupe: boolean): CommitStatements {
  const names = columns.map((column) => escapeIdentifier(column.name)).join(', ');
  if (!dedupe) return { begin: 'BEGIN', copy: `COPY ${table} (${names}) FROM STDIN`, commit: 'COMMIT' };
  const key = dedupeColumns(columns).map((name) => escapeIdentifier(name)).join(', ');
  return {
    begin: `BEGIN; CREATE TEMP TABLE ${STAGING} ON COMMIT DROP AS SELECT ${names} FROM ${table} WITH NO DATA`,
    copy: `COPY ${STAGING} (${names}) FROM STDIN`,
    commit: `INSERT INTO ${table} (${names}) SELECT ${names} FROM ${STAGING} ON CONFLICT (${key}) DO NOTHING; COMMIT`,
  };
}

/** Writes `records` in one transaction on `client`; after a failure, call rollback(). */
export async function commitBatch(client: PoolClient, statements: CommitStatements, encoder: CopyTextEncoder, records: readonly RequestRecord[]): Promise<void> {
  await client.query(statements.begin);
  await pipeline(Readable.from(encoder.chunks(records)), client.query(copyFrom(statements.copy)));
  await client.query(statements.commit);
}

/** Ends a failed commit's transaction; false when that failed too, and the client is unusable. */
export async function rollback(client: PoolClient): Promise<boolean> {
  try {
    await client.query('ROLLBACK');
    return true;
  } catch {
    return false;
  }
}
