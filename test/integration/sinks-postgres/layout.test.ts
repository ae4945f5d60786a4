import pino from 'pino';
import { expect, it } from 'vitest';
import type { RequestRecord } from '../../../src/parse/request-record.js';
import { rejection } from '../../helpers/sink-failure.js';
import { describePostgres } from '../../helpers/postgres.js';
import { sinkRig } from './sink-rig.js';

function record(index: number, extra: Record<string, unknown> = {}): RequestRecord {
  return {
    time: '2026-11-21T10:15:00.123456Z',
    method: 'GET',
    path: '/api/items',
    query: { q: 'a b' },
    status: 200,
    request_id: `req-${index}`,
    body_bytes_sent: '512',
    topic: 'nginx',
    source: '10.0.0.1',
    tags: { host: 'web-1' },
    shard: 1,
    cursor: 'MTA=',
    index,
    ...extra,
  };
}

/** Log lines a sink writes, parsed. */
function capturedLog(): { log: pino.Logger; lines: { level: number; msg: string }[] } {
  const lines: { level: number; msg: string }[] = [];
  const log = pino({ level: 'info' }, { write: (line: string) => lines.push(JSON.parse(line) as { level: number; msg: string }) });
  return { log, lines };
}

describePostgres('postgres sink: table layout', (db) => {
  const rig = sinkRig(db);

  const columnsOf = async (table: string, schema = db.schema): Promise<Record<string, string>> => {
    const rows = await db.query<{ column_name: string; data_type: string }>(
      'SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = $1 AND table_name = $2 ORDER BY ordinal_position',
      [schema, table],
    );
    return Object.fromEntries(rows.map((row) => [row.column_name, row.data_type]));
  };

  it('creates one text column per kept field when parse.fields is a list', async () => {
    const sink = rig.sink({ table: 'listed', fields: ['request_id', 'body_bytes_sent', 'missing'] });
    await sink.open();
    await sink.write([record(0), record(1, { request_id: undefined })]);
    expect(await columnsOf('listed')).toEqual({
      time: 'timestamp with time zone', method: 'text', path: 'text', query: 'jsonb', status: 'integer', request_id: 'text', body_bytes_sent: 'text',
      missing: 'text', topic: 'text', source: 'text', tags: 'jsonb', shard: 'integer', cursor: 'text', index: 'integer', project: 'text', logstore: 'text',
    });
    const rows = await db.query(`SELECT request_id, body_bytes_sent, missing FROM ${rig.table('listed')} ORDER BY index`);
    expect(rows).toEqual([{ request_id: 'req-0', body_bytes_sent: '512', missing: null }, { request_id: null, body_bytes_sent: '512', missing: null }]);
  });

  it('creates a jsonb `fields` column holding every kept key when parse.fields is all', async () => {
    const sink = rig.sink({ table: 'everything' });
    await sink.open();
    await sink.write([record(0, { 'odd key "x"': 'v' })]);
    expect(await columnsOf('everything')).toMatchObject({ fields: 'jsonb' });
    const [row] = await db.query(`SELECT fields FROM ${rig.table('everything')}`);
    expect(row?.fields).toEqual({ request_id: 'req-0', body_bytes_sent: '512', 'odd key "x"': 'v' });
  });

  it('writes into an existing table through sink.columns, in the column types it has, and warns once about keys it cannot store', async () => {
    await db.query(`CREATE TABLE ${rig.table('existing')} (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, logged_at timestamptz NOT NULL, status smallint, path varchar(200),
      req_id uuid, bytes bigint, extra jsonb, shard integer, cursor text, "index" integer, inserted_at timestamptz NOT NULL DEFAULT now())`);
    const { log, lines } = capturedLog();
    const columns = { time: 'logged_at', request_id: 'req_id', body_bytes_sent: 'bytes', fields: 'extra' };
    const sink = rig.sink({ table: 'existing', columns, log });
    await sink.open();
    const uuid = '7d444840-9dc0-11d1-b245-5ffdce74fad2';
    await sink.write([record(0, { request_id: uuid, note: 'kept in extra' })]);
    const warnings = lines.filter((line) => line.level === 40).map((line) => line.msg);
    expect(warnings).toEqual([
      `postgres sink: table "${db.schema}"."existing" has no column for method, query, topic, source, tags, project, logstore: these record keys go into its column "extra"`,
    ]);
    const rows = await db.query(`SELECT id, logged_at, status, path, req_id, bytes, extra, shard, cursor, index FROM ${rig.table('existing')}`);
    expect(rows).toEqual([
      {
        id: '1', logged_at: new Date('2026-11-21T10:15:00.123Z'), status: 200, path: '/api/items', req_id: uuid, bytes: '512',
        extra: { method: 'GET', query: { q: 'a b' }, note: 'kept in extra', topic: 'nginx', source: '10.0.0.1', tags: { host: 'web-1' } },
        shard: 1, cursor: 'MTA=', index: 0,
      },
    ]);
  });

  it('refuses, at open, an existing table that cannot take the records, naming table, column and the fix', async () => {
    await db.query(`CREATE TABLE ${rig.table('narrow')} (time timestamptz, shard integer, "index" integer)`);
    const missing = await rejection(rig.sink({ table: 'narrow' }).open());
    expect(missing).toMatchObject({ code: 'TableMismatch', retryable: false });
    expect(missing.message).toBe(
      `postgres sink: table "${db.schema}"."narrow" has no column "cursor" for cursor (every row needs it): add it, or name the column that holds it in sink.columns`,
    );
    await db.query(`CREATE TABLE ${rig.table('mistyped')} (time timestamptz, shard integer, cursor text, "index" integer, query integer)`);
    const mistyped = await rejection(rig.sink({ table: 'mistyped' }).open());
    expect(mistyped.message).toMatch(/table "[^"]+"\."mistyped" column "query" has type int4, which cannot hold query \(json\)/);
  });

  it('quotes odd schema and table names everywhere', async () => {
    const schema = db.otherSchema('"we;ird\'--');
    const table = 'Requests "2026"; DROP TABLE x; --';
    const sink = rig.sink({ schema, table, fields: ['request_id'], dedupe: true });
    await sink.open();
    await sink.write([record(0), record(1)]);
    await sink.write([record(1)]);
    const rows = await db.query('SELECT count(*)::int AS n FROM pg_catalog.pg_tables WHERE schemaname = $1 AND tablename = $2', [schema, table]);
    expect(rows).toEqual([{ n: 1 }]);
    const quoted = `"${schema.replaceAll('"', '""')}"."${table.replaceAll('"', '""')}"`;
    expect(await db.query(`SELECT request_id FROM ${quoted} ORDER BY index`)).toEqual([{ request_id: 'req-0' }, { request_id: 'req-1' }]);
    // Opening the existing table again checks it, its dedupe key included.
    const again = rig.sink({ schema, table, fields: ['request_id'], dedupe: true });
    await again.open();
  });
});
