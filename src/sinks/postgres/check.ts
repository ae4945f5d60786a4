// `sluice validate` for the PostgreSQL sink: connect as the sink would, and run open()'s table
// preparation in a transaction that is rolled back, so the check covers the credentials, the
// database, the privileges and the table's fit (or that it can be created) and leaves nothing
// behind. Failures are the SinkErrors open() would raise.

import pg from 'pg';
import type { PostgresSinkConfig } from './config.js';
import { connectionOptions, describeTarget } from './connection-target.js';
import { postgresError } from './errors.js';
import { prepareTable, qualifiedName, tableSpec } from './table-setup.js';

/** Resolves with what was found; `fields` is parse.fields, which decides the columns of a created table. */
export async function checkPostgres(config: Omit<PostgresSinkConfig, 'type'>, fields: 'all' | readonly string[]): Promise<string> {
  const target = describeTarget(config.url);
  const table = qualifiedName(config);
  const client = new pg.Client(connectionOptions(config));
  // A connection that breaks emits 'error' besides failing the query in flight; the query's error is the one reported.
  client.on('error', () => undefined);
  try {
    await client.connect();
    const prepared = await prepareTable(client, tableSpec(config, fields), { dryRun: true });
    const dedupe = config.dedupe ? ' with its dedupe key' : '';
    return prepared.created
      ? `${target}: table ${table} does not exist; the first run creates it${dedupe} (tried in a transaction that was rolled back)`
      : `${target}: table ${table} exists and fits (${prepared.columns.length} columns written${dedupe})`;
  } catch (error) {
    throw postgresError(error, { phase: 'open', target, table });
  } finally {
    await client.end().catch(() => undefined);
  }
}
