// A poison record: a log whose value the table's column type refuses. It must not stop the run
// nor take its batch down with it: the record goes to the dead-letter file with the database's
// message, every other record of the same commit is written, and the run ends normally.

import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ExitCode } from '../../src/cli/exit-codes.js';
import { exitWithin } from '../helpers/cli.js';
import { expectExactlyOnce } from '../helpers/delivery.js';
import { columnValues, describePostgres, TEST_URL } from '../helpers/postgres.js';
import { RunRig } from '../helpers/run-rig.js';
import { storedRequestIds } from '../helpers/sls-readback.js';

const GENERATED = 5000;
/** The group the poison travels in: written by one PutLogs, pulled and committed together. */
const GROUP_LOGS = 200;
const POISON_AT = 137;
const POISON_ID = 'poison-request';

describePostgres('sluice run --sink postgres: a record the table refuses', (db) => {
  let rig: RunRig;
  let stored: string[];

  beforeAll(async () => {
    rig = await RunRig.start({ generate: GENERATED, shards: 1 });
    const time = Math.floor(Date.now() / 1000);
    const logs = Array.from({ length: GROUP_LOGS }, (_, i) => ({
      time,
      contents: [
        ['request_uri', `/api/items/${i}?page=2`],
        ['status', '200'],
        ['body_bytes_sent', i === POISON_AT ? 'lots' : String(100 + i)],
        ['request_id', i === POISON_AT ? POISON_ID : `group-request-${i}`],
      ] as const,
    }));
    await rig.client.putLogs(rig.logstore, { logs });
    stored = await storedRequestIds(rig.client, rig.logstore);
    // An existing table whose `bytes` column takes body_bytes_sent as an integer.
    await db.query(
      `CREATE TABLE ${db.table('requests')} (time timestamptz, path text, status integer, request_id text, bytes integer, shard integer, cursor text, "index" integer)`,
    );
  });
  afterAll(() => rig?.close());

  it('goes to the dead-letter file with the database\'s message; the rest of its commit is written; exit 0', { timeout: 60_000 }, async () => {
    const config = rig.writeConfig({
      parse: { fields: ['request_id', 'body_bytes_sent'] },
      sink: { type: 'postgres', url: TEST_URL, schema: db.schema, columns: { body_bytes_sent: 'bytes' } },
    });
    const run = rig.run(config, ['--until', 'end']);
    expect(await exitWithin(run, 30_000), run.stderr()).toBe(ExitCode.Ok);
    expect(run.logs().find((line) => line.reason === 'end'), run.stderr()).toMatchObject({ records: GENERATED + GROUP_LOGS - 1, deadLettered: 1 });
    // It shared a commit with other records, which were written around it.
    const split = run.logs().find((line) => /^sink refused 1 of the \d+ records of a commit/.test(line.msg ?? ''));
    expect(split?.records, run.stderr()).toBeGreaterThan(1);

    expectExactlyOnce(await columnValues(db, 'requests'), stored.filter((id) => id !== POISON_ID));
    const bytes = await db.query<{ request_id: string; bytes: number }>(`SELECT request_id, bytes FROM ${db.table('requests')} WHERE request_id LIKE 'group-request-%'`);
    expect(bytes).toHaveLength(GROUP_LOGS - 1);
    expect(bytes.every(({ request_id, bytes }) => bytes === 100 + Number(request_id.slice('group-request-'.length)))).toBe(true);

    const deadLetters = readFileSync(rig.path('dead-letter.ndjson'), 'utf8').trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(deadLetters).toHaveLength(1);
    expect(deadLetters[0]).toMatchObject({ shard: 0, index: POISON_AT, record: { request_id: POISON_ID, body_bytes_sent: 'lots', status: 200 } });
    expect(deadLetters[0]?.reason).toContain('(SQLSTATE 22P02)');
    expect(deadLetters[0]?.reason).toContain('invalid input syntax for type integer: "lots"');
  });
});
