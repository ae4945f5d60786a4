import { beforeAll, expect, it } from 'vitest';
import type { RequestRecord } from '../../../src/parse/request-record.js';
import { generatedRecords } from '../../../bench/request-records.js';
import { describePostgres } from '../../helpers/postgres.js';
import { ORIGIN, sinkRig } from './sink-rig.js';

const RECORDS = 200_000;
const BATCH = 10_000;
/** A few seconds on an idle 2-core machine; the margin is for a loaded one. */
const SLOW_MS = 60_000;

/** The record's time as PostgreSQL stores it: microseconds, rounded. */
function storedTime(iso: string): string {
  const [seconds, fraction = ''] = iso.replace('Z', '').split('.');
  const micros = Math.round(Number(`0.${fraction.padEnd(9, '0')}`) * 1e6);
  return micros === 0 ? `${seconds}Z` : `${seconds}.${String(micros).padStart(6, '0').replace(/0+$/, '')}Z`;
}

describePostgres('postgres sink: 200k generated records', (db) => {
  const rig = sinkRig(db);
  let records: RequestRecord[];
  beforeAll(() => {
    records = generatedRecords(RECORDS, { shard: 2 });
  }, SLOW_MS);

  it('reach a created table with the right types and values, two commits in flight', async () => {
    const sink = rig.sink({ batch: { maxInFlight: 2 } });
    await sink.open();
    let next = 0;
    const lane = async (): Promise<void> => {
      for (let from = next; from < RECORDS; from = next) {
        next += BATCH;
        await sink.write(records.slice(from, from + BATCH));
      }
    };
    await Promise.all([lane(), lane()]);
    expect(sink.health()).toEqual({ ok: true });

    const types = await db.query<{ column_name: string; data_type: string }>(
      'SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = $1 AND table_name = $2 ORDER BY ordinal_position',
      [db.schema, 'requests'],
    );
    expect(Object.fromEntries(types.map((row) => [row.column_name, row.data_type]))).toEqual({
      time: 'timestamp with time zone', method: 'text', path: 'text', query: 'jsonb', status: 'integer', fields: 'jsonb', topic: 'text',
      source: 'text', tags: 'jsonb', shard: 'integer', cursor: 'text', index: 'integer', project: 'text', logstore: 'text',
    });
    const [{ count }] = (await db.query<{ count: string }>(`SELECT count(*) FROM ${rig.table()}`)) as [{ count: string }];
    expect(Number(count)).toBe(RECORDS);

    // Every 197th record, read back whole by its position.
    const sample = records.filter((_, i) => i % 197 === 0);
    const rows = await db.query(
      `SELECT to_char(time AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US') AS time, method, path, query, status, fields, topic, source, tags,
              shard, cursor, index, project, logstore
         FROM ${rig.table()} WHERE (cursor, index) IN (SELECT * FROM unnest($1::text[], $2::int[]))`,
      [sample.map((record) => record.cursor), sample.map((record) => record.index)],
    );
    expect(rows).toHaveLength(sample.length);
    const byPosition = new Map(rows.map((row) => [`${String(row.cursor)}/${String(row.index)}`, row]));
    for (const record of sample) {
      const { time, method, path, query, status, topic, source, tags, shard, cursor, index, ...fields } = record;
      const row = byPosition.get(`${cursor}/${index}`);
      expect({ ...row, time: `${String(row?.time).replace(/\.?0+$/, '')}Z` }).toEqual({
        time: storedTime(time), method, path, query, status, fields, topic, source, tags, shard, cursor, index, ...ORIGIN,
      });
    }
  }, SLOW_MS);

  it('answer a query on path and status with what was written', async () => {
    const [path, status] = [records[0]?.path as string, 200];
    const expected = records.filter((record) => record.path === path && record.status === status).length;
    expect(expected).toBeGreaterThan(10);
    const [{ count }] = (await db.query<{ count: string }>(`SELECT count(*) FROM ${rig.table()} WHERE path = $1 AND status = $2`, [path, status])) as [{ count: string }];
    expect(Number(count)).toBe(expected);
    const notFound = records.filter((record) => record.status === 404).length;
    const [{ n }] = (await db.query<{ n: string }>(`SELECT count(*) AS n FROM ${rig.table()} WHERE status = 404`)) as [{ n: string }];
    expect(Number(n)).toBe(notFound);
  });
});
