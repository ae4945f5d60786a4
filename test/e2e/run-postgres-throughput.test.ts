// The PostgreSQL sink's main road: a logstore of 200k generated nginx logs into a table that
// the run creates, with the sink named by flags (`--sink postgres --output postgres://...`).
// The rows must carry what SLS holds, typed: a user's first query filters on path and
// status, and its answer must be the one the logs give.

import { isDeepStrictEqual } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ExitCode } from '../../src/cli/exit-codes.js';
import { exitWithin } from '../helpers/cli.js';
import { expectExactlyOnce } from '../helpers/delivery.js';
import { describePostgres, TEST_URL } from '../helpers/postgres.js';
import { RunRig } from '../helpers/run-rig.js';
import { readAllShards, type StoredLog } from '../helpers/sls-readback.js';

const LOGS = 200_000;
const EXAMPLES = 5;

/** What a row must hold for one stored log, derived with the URL standard's own parser rather than sluice's. */
interface Expected {
  path: string;
  status: number;
  query: Record<string, string | string[]>;
  /** Microseconds since the epoch: timestamptz keeps microseconds. */
  micros: number;
}

function expectedRow({ log }: StoredLog): Expected {
  const uri = log.fields.request_uri ?? '';
  const mark = uri.indexOf('?');
  const query: Record<string, string | string[]> = {};
  for (const [key, value] of new URLSearchParams(mark < 0 ? '' : uri.slice(mark + 1))) {
    const previous = query[key];
    query[key] = previous === undefined ? value : [previous, value].flat();
  }
  return {
    path: decodeURIComponent(mark < 0 ? uri : uri.slice(0, mark)),
    status: Number(log.fields.status),
    query,
    micros: log.time * 1e6 + Math.round((log.timeNs ?? 0) / 1000),
  };
}

describePostgres('sluice run --sink postgres: 200k records', (db) => {
  let rig: RunRig;
  let stored: StoredLog[];

  beforeAll(async () => {
    rig = await RunRig.start({ generate: LOGS });
    stored = await readAllShards(rig.client, rig.logstore);
  });
  afterAll(() => rig?.close());

  it('arrive in a table it creates, typed, each once, with the path and status the logs have; exit 0', { timeout: 90_000 }, async () => {
    // The URL and the sink type come from flags alone; sink.schema has no flag, and this suite
    // writes into its own schema, so that key alone comes from the file.
    const config = rig.writeConfig({ sink: { type: 'postgres', schema: db.schema } });
    const run = rig.run(config, ['--sink', 'postgres', '--output', TEST_URL, '--until', 'end']);
    expect(await exitWithin(run, 60_000), run.stderr()).toBe(ExitCode.Ok);
    const summary = run.logs().find((line) => line.reason === 'end');
    expect(summary, run.stderr()).toMatchObject({ records: LOGS, deadLettered: 0, unwritten: 0 });

    const types = await db.query<{ column_name: string; data_type: string }>(
      `SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = $1 AND table_name = 'requests'`,
      [db.schema],
    );
    const typeOf = Object.fromEntries(types.map((row) => [row.column_name, row.data_type]));
    expect(typeOf).toMatchObject({ time: 'timestamp with time zone', path: 'text', status: 'integer', query: 'jsonb', fields: 'jsonb' });

    const table = db.table('requests');
    expectExactlyOnce(
      await db.query<{ id: string }>(`SELECT fields->>'request_id' AS id FROM ${table}`).then((rows) => rows.map((row) => row.id)),
      stored.map((log) => log.requestId),
    );

    // The query a user runs first: requests by path and status.
    const expectedCounts = new Map<string, number>();
    for (const log of stored) {
      const { path, status } = expectedRow(log);
      const key = `${status} ${path}`;
      expectedCounts.set(key, (expectedCounts.get(key) ?? 0) + 1);
    }
    const counted = await db.query<{ path: string; status: number; n: number }>(`SELECT path, status, count(*)::int AS n FROM ${table} GROUP BY path, status`);
    expect(new Map(counted.map((row) => [`${row.status} ${row.path}`, row.n]))).toEqual(expectedCounts);
    const [errors] = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table} WHERE status >= 500 AND path LIKE '/api/%'`);
    expect(errors?.n).toBe(stored.filter((log) => Number(log.log.fields.status) >= 500 && (log.log.fields.request_uri ?? '').startsWith('/api/')).length);

    // Every row, value by value: path, status, the query as jsonb, the time to the microsecond.
    const byId = new Map(stored.map((log) => [log.requestId, expectedRow(log)]));
    const rows = await db.query<{ id: string; path: string; status: number; query: unknown; micros: string }>(
      `SELECT fields->>'request_id' AS id, path, status, query, (extract(epoch FROM time) * 1000000)::bigint AS micros FROM ${table}`,
    );
    const wrong = rows.filter((row) => {
      const expected = byId.get(row.id);
      const actual: Expected = { path: row.path, status: row.status, query: row.query as Expected['query'], micros: Number(row.micros) };
      return !isDeepStrictEqual(actual, expected);
    });
    expect(wrong.length, `rows unlike their logs, e.g. ${JSON.stringify(wrong.slice(0, EXAMPLES).map((row) => ({ row, expected: byId.get(row.id) })))}`).toBe(0);
    expect(await db.query(`SELECT DISTINCT project, logstore FROM ${table}`)).toEqual([{ project: rig.emulator.project, logstore: rig.logstore }]);
  });
});
