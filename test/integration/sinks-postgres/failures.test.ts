import pg from 'pg';
import { expect, it } from 'vitest';
import type { RequestRecord } from '../../../src/parse/request-record.js';
import { REJECTED_DATA } from '../../../src/sinks/sink-error.js';
import { generatedRecords } from '../../../bench/request-records.js';
import { rejection } from '../../helpers/sink-failure.js';
import { describePostgres, TEST_DATABASE, TEST_URL } from '../../helpers/postgres.js';
import { sinkRig } from './sink-rig.js';

const WAIT_MS = 10_000;

/** Resolves once `check` holds, polling the database; fails after WAIT_MS with `what`. */
async function until(what: string, check: () => Promise<boolean> | boolean): Promise<void> {
  const deadline = Date.now() + WAIT_MS;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function record(index: number, extra: Record<string, unknown> = {}): RequestRecord {
  return { time: '2026-11-21T10:15:00Z', method: 'GET', path: '/', status: 200, request_id: `r-${index}`, shard: 0, cursor: 'MA==', index, ...extra };
}

describePostgres('postgres sink: failures', (db) => {
  const rig = sinkRig(db);
  const count = async (table: string): Promise<number> => {
    const [row] = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${rig.table(table)}`);
    return row?.n ?? -1;
  };

  it('stores nasty text exactly: tabs, newlines, carriage returns, backslashes, \\N, unicode', async () => {
    const nasty = ['a\tb', 'line\nbreak', 'cr\r\nlf', 'back\\slash\\', '\\N', '', '☃ 😀 \u2028', '"quoted"', '\u0001\u007f'];
    const sink = rig.sink({ table: 'nasty_text', fields: ['value'] });
    const sinkAll = rig.sink({ table: 'nasty_json' });
    await sink.open();
    await sinkAll.open();
    const records = nasty.map((value, index) => record(index, { value, path: value }));
    await sink.write(records);
    await sinkAll.write(records);
    const text = await db.query<{ value: string; path: string }>(`SELECT value, path FROM ${rig.table('nasty_text')} ORDER BY index`);
    expect(text).toEqual(nasty.map((value) => ({ value, path: value })));
    const json = await db.query<{ value: string }>(`SELECT fields->>'value' AS value FROM ${rig.table('nasty_json')} ORDER BY index`);
    expect(json.map((row) => row.value)).toEqual(nasty);
  });

  it('rejects a value the column type refuses as RejectedData, naming the COPY line and the record, and commits nothing of the batch', async () => {
    await db.query(`CREATE TABLE ${rig.table('typed')} (time timestamptz, shard int, cursor text, "index" int, bytes integer)`);
    const sink = rig.sink({ table: 'typed', fields: ['body_bytes_sent'], columns: { body_bytes_sent: 'bytes' } });
    await sink.open();
    const batch = Array.from({ length: 50 }, (_, i) => record(i, { body_bytes_sent: i === 30 ? 'abc' : String(i) }));
    const error = await rejection(sink.write(batch));
    expect(error).toMatchObject({ code: REJECTED_DATA, retryable: false });
    expect(error.message).toContain('invalid input syntax for type integer: "abc"');
    expect(error.message).toContain('SQLSTATE 22P02');
    expect(error.message).toMatch(/line 31, column bytes: "abc", record 31 of the batch \(shard 0, cursor MA==, index 30\)/);
    expect(await count('typed')).toBe(0);
    expect(sink.health()).toEqual({ ok: true });
    // The connection is still good: the batch without the poison record is committed.
    await sink.write(batch.filter((_, i) => i !== 30));
    expect(await count('typed')).toBe(49);
  });

  it('rejects a NUL character, which PostgreSQL text cannot hold, as RejectedData, in a text column and in jsonb', async () => {
    const text = rig.sink({ table: 'nul_text', fields: ['value'] });
    const json = rig.sink({ table: 'nul_json' });
    await text.open();
    await json.open();
    const batch = [record(0, { value: 'fine' }), record(1, { value: 'nul\u0000here' })];
    for (const [sink, table] of [[text, 'nul_text'], [json, 'nul_json']] as const) {
      const error = await rejection(sink.write(batch));
      expect(error).toMatchObject({ code: REJECTED_DATA, retryable: false });
      expect(await count(table)).toBe(0);
    }
  });

  it('fails to open an unreachable server with a clear, retryable error, the password masked, and reports not healthy', async () => {
    const sink = rig.sink({ url: 'postgres://sluice:hunter2@127.0.0.1:1/test', connectTimeout: 2000 });
    const error = await rejection(sink.open());
    expect(error).toMatchObject({ code: 'Unavailable', retryable: true });
    expect(error.message).toMatch(/^connection refused \(ECONNREFUSED\) preparing "[^"]+"\."requests" at postgres:\/\/sluice:\*\*\*@127\.0\.0\.1:1\/test: /);
    expect(error.message).not.toContain('hunter2');
    expect(sink.health()).toEqual({ ok: false, detail: error.message });
  });

  it('explains a database or a role that does not exist, as permanent', async () => {
    const noDatabase = await rejection(rig.sink({ url: TEST_URL.replace(`/${TEST_DATABASE}`, '/sluice_no_such_db') }).open());
    expect(noDatabase).toMatchObject({ code: 'DatabaseNotFound', retryable: false });
    expect(noDatabase.message).toMatch(/database "sluice_no_such_db" does not exist: create the database, or fix the database name in sink.url/);
    const noRole = await rejection(rig.sink({ url: `postgres://sluice_no_such_role:pw@127.0.0.1:5432/${TEST_DATABASE}` }).open());
    expect(noRole).toMatchObject({ code: 'AuthFailed', retryable: false });
    expect(noRole.message).toMatch(/role "sluice_no_such_role" does not exist/);
    expect(noRole.message).not.toContain(':pw@');
  });

  it('explains a user that may not create the table', async () => {
    const role = `sluice_reader_${process.pid}`;
    await db.query(`CREATE ROLE ${role} LOGIN`);
    try {
      const url = TEST_URL.replace(/\/\/[^@]+@/, `//${role}@`);
      const error = await rejection(rig.sink({ url, table: 'forbidden' }).open());
      expect(error).toMatchObject({ code: 'PermissionDenied', retryable: false });
      expect(error.message).toMatch(/permission denied for schema/);
    } finally {
      await db.query(`DROP ROLE ${role}`);
    }
  });

  it('an abort during a write destroys the connection in flight, rejects at once and leaves no rows; the next write works', async () => {
    const sink = rig.sink({ table: 'aborted' });
    await sink.open();
    const batch = generatedRecords(50_000);
    // Another session holds the table, so the COPY is certainly in flight when the abort comes.
    const blocker = new pg.Client({ connectionString: TEST_URL });
    await blocker.connect();
    try {
      await blocker.query(`BEGIN; LOCK TABLE ${rig.table('aborted')} IN ACCESS EXCLUSIVE MODE`);
      const controller = new AbortController();
      const writing = sink.write(batch, controller.signal);
      await until('the COPY waits for the lock', async () => {
        const rows = await db.query(`SELECT 1 FROM pg_stat_activity WHERE application_name = $1 AND wait_event_type = 'Lock'`, [rig.session]);
        return rows.length > 0;
      });
      controller.abort(new Error('drain deadline'));
      const error = await rejection(writing);
      expect(error).toMatchObject({ code: 'Aborted', retryable: false });
    } finally {
      await blocker.query('ROLLBACK');
      await blocker.end();
    }
    // A backend waiting for a lock notices its client has gone only when it next reads from it:
    // then it rolls the transaction back and ends.
    await until('the server ended the aborted session', async () => {
      const rows = await db.query('SELECT 1 FROM pg_stat_activity WHERE application_name = $1', [rig.session]);
      return rows.length === 0;
    });
    expect(await count('aborted')).toBe(0);
    await sink.write(batch.slice(0, 100));
    expect(await count('aborted')).toBe(100);
  });

  it('abandons a commit that stalls past commitTimeout as retryable, with nothing written, and reports not healthy', async () => {
    const sink = rig.sink({ table: 'stalled', commitTimeout: 300 });
    await sink.open();
    const blocker = new pg.Client({ connectionString: TEST_URL });
    await blocker.connect();
    try {
      await blocker.query(`BEGIN; LOCK TABLE ${rig.table('stalled')} IN ACCESS EXCLUSIVE MODE`);
      const error = await rejection(sink.write([record(0)]));
      expect(error).toMatchObject({ code: 'Unavailable', retryable: true });
      expect(error.message).toMatch(/^commit did not finish within 300 ms writing to "[^"]+"\."stalled" at postgres:\/\/.*the database rolls the transaction back/);
      expect(sink.health()).toEqual({ ok: false, detail: error.message });
    } finally {
      await blocker.query('ROLLBACK');
      await blocker.end();
    }
    await sink.write([record(1)]);
    expect(sink.health()).toEqual({ ok: true });
    expect(await db.query(`SELECT index FROM ${rig.table('stalled')}`)).toEqual([{ index: 1 }]);
  });

  it('a connection the server ends makes health not ok until the next commit succeeds', async () => {
    const sink = rig.sink({ table: 'terminated' });
    await sink.open();
    await db.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1', [rig.session]);
    await until('the sink notices', () => !sink.health().ok);
    expect(sink.health().detail).toMatch(/SQLSTATE 57P01/);
    await sink.write([record(0)]);
    expect(sink.health()).toEqual({ ok: true });
    expect(await count('terminated')).toBe(1);
  });

  it('keeps the lifecycle rules: write before open or after close rejects; close is safe twice and without open', async () => {
    const sink = rig.sink({ table: 'lifecycle' });
    expect(await rejection(sink.write([record(0)]))).toMatchObject({ code: 'NotOpen' });
    await sink.close();
    await sink.close();
    expect(await rejection(sink.write([record(0)]))).toMatchObject({ code: 'Closed' });
    expect(await rejection(sink.open())).toMatchObject({ code: 'Closed' });
    const opened = rig.sink({ table: 'lifecycle' });
    await opened.open();
    await opened.write([record(0)]);
    await Promise.all([opened.close(), opened.close()]);
    expect(await rejection(opened.write([record(1)]))).toMatchObject({ code: 'Closed' });
    const aborted = new AbortController();
    aborted.abort();
    const fresh = rig.sink({ table: 'lifecycle' });
    await fresh.open();
    expect(await rejection(fresh.write([record(2)], aborted.signal))).toMatchObject({ code: 'Aborted' });
    expect(await count('lifecycle')).toBe(1);
  });
});
