import { beforeAll, expect, it } from 'vitest';
import type { RequestRecord } from '../../../src/parse/request-record.js';
import { REJECTED_DATA } from '../../../src/sinks/sink-error.js';
import { generatedRecords } from '../../../bench/request-records.js';
import { rejection } from '../../helpers/sink-failure.js';
import { describePostgres } from '../../helpers/postgres.js';
import { sinkRig } from './sink-rig.js';

describePostgres('postgres sink: dedupe', (db) => {
  const rig = sinkRig(db);
  let batch: RequestRecord[];
  beforeAll(() => {
    batch = generatedRecords(5000, { groupSize: 500 });
  });

  const rowsPerPosition = async (table: string): Promise<{ rows: number; positions: number; requestIds: number }> => {
    const [counts] = await db.query<{ rows: number; positions: number; requestIds: number }>(
      `SELECT count(*)::int AS rows, count(DISTINCT (project, logstore, shard, cursor, index))::int AS positions,
              count(DISTINCT fields->>'request_id')::int AS "requestIds"
         FROM ${rig.table(table)}`,
    );
    return counts as { rows: number; positions: number; requestIds: number };
  };

  it('on: the same batch written twice (a replay after a crash) leaves one row per position', async () => {
    const sink = rig.sink({ table: 'deduped', dedupe: true, batch: { maxInFlight: 2 } });
    await sink.open();
    await sink.write(batch);
    // The replay overlaps the first batch and goes on past it, in two commits at once.
    const more = generatedRecords(6000, { groupSize: 500 });
    await Promise.all([sink.write(more.slice(0, 3000)), sink.write(more.slice(3000))]);
    expect(await rowsPerPosition('deduped')).toEqual({ rows: 6000, positions: 6000, requestIds: 6000 });
    const [index] = await db.query<{ indexdef: string }>('SELECT indexdef FROM pg_indexes WHERE schemaname = $1 AND tablename = $2', [db.schema, 'deduped']);
    expect(index?.indexdef).toMatch(/CREATE UNIQUE INDEX deduped_sluice_dedupe ON .* \(project, logstore, shard, cursor, index\)/);
  });

  it('on: the same position from another logstore is another record', async () => {
    const first = rig.sink({ table: 'two_logstores', dedupe: true });
    const second = rig.sink({ table: 'two_logstores', dedupe: true, origin: { project: 'demo', logstore: 'other' } });
    await first.open();
    await second.open();
    await first.write(batch.slice(0, 10));
    await second.write(batch.slice(0, 10));
    expect((await rowsPerPosition('two_logstores')).rows).toBe(20);
  });

  it('off: the same batch written twice leaves two rows per position', async () => {
    const sink = rig.sink({ table: 'plain' });
    await sink.open();
    await sink.write(batch);
    await sink.write(batch);
    expect(await rowsPerPosition('plain')).toEqual({ rows: 10_000, positions: 5000, requestIds: 5000 });
  });

  it('on: still rejects a row that breaks another constraint of the table, and commits nothing of its batch', async () => {
    const sink = rig.sink({ table: 'checked', dedupe: true });
    await sink.open();
    await db.query(`ALTER TABLE ${rig.table('checked')} ADD CONSTRAINT no_teapots CHECK (status <> 418)`);
    const poisoned = batch.slice(0, 100).map((record, i) => (i === 42 ? { ...record, status: 418 } : record));
    const error = await rejection(sink.write(poisoned));
    expect(error).toMatchObject({ code: REJECTED_DATA, retryable: false });
    expect(error.message).toMatch(/violates check constraint "no_teapots"/);
    expect((await rowsPerPosition('checked')).rows).toBe(0);
    await sink.write(batch.slice(0, 100));
    expect((await rowsPerPosition('checked')).rows).toBe(100);
  });

  it('on: a new record that breaks another unique index is rejected through the replay too, naming the index, and commits nothing of its batch', async () => {
    const sink = rig.sink({ table: 'unique_requests', dedupe: true });
    await sink.open();
    await db.query(`CREATE UNIQUE INDEX one_row_per_request ON ${rig.table('unique_requests')} ((fields->>'request_id'))`);
    await sink.write(batch.slice(0, 100));
    // A new position whose request_id is in the table already: the straight COPY fails with
    // 23505 as a replay would, and the replay's INSERT meets the same index again.
    const clashing = batch.slice(100, 200).map((record, i) => (i === 42 ? { ...record, request_id: batch[0]?.request_id } : record));
    const error = await rejection(sink.write(clashing));
    expect(error).toMatchObject({ code: REJECTED_DATA, retryable: false });
    expect(error.message).toMatch(/"one_row_per_request"/);
    expect((await rowsPerPosition('unique_requests')).rows).toBe(100);
    await sink.write(batch.slice(100, 200));
    expect(await rowsPerPosition('unique_requests')).toEqual({ rows: 200, positions: 200, requestIds: 200 });
  });

  it('on: refuses an existing table without the unique key, and says how to create it', async () => {
    await rig.sink({ table: 'keyless' }).open();
    const error = await rejection(rig.sink({ table: 'keyless', dedupe: true }).open());
    expect(error).toMatchObject({ code: 'TableMismatch', retryable: false });
    expect(error.message).toBe(
      `postgres sink: sink.dedupe needs a unique index on table "${db.schema}"."keyless" over exactly (project, logstore, shard, cursor, index), and it has none: ` +
        `create it (after removing duplicate rows) with CREATE UNIQUE INDEX IF NOT EXISTS "keyless_sluice_dedupe" ON "${db.schema}"."keyless" ("project", "logstore", "shard", "cursor", "index"), or turn sink.dedupe off`,
    );
  });
});
