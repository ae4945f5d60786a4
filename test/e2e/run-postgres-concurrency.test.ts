// Parallel commits: 4 workers hand records to the batcher and 3 commits are written at once,
// each in its own transaction on its own connection. Commits finish out of order, and the
// acks and checkpoints that follow them must still add up: no record lost, none written twice.

import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { ExitCode } from '../../src/cli/exit-codes.js';
import { exitWithin } from '../helpers/cli.js';
import { expectExactlyOnce } from '../helpers/delivery.js';
import { columnValues, describePostgres, TEST_URL, waitForRows } from '../helpers/postgres.js';
import { RunRig } from '../helpers/run-rig.js';
import { storedRequestIds } from '../helpers/sls-readback.js';

const LOGS = 100_000;
const IN_FLIGHT = 3;
/** The application_name of the run's database sessions. */
const SESSION = `sluice-concurrency-${process.pid}`;

describePostgres('sluice run --sink postgres: 4 workers, 3 commits in flight', (db) => {
  let rig: RunRig;
  let stored: string[];

  beforeAll(async () => {
    rig = await RunRig.start({ generate: LOGS });
    stored = await storedRequestIds(rig.client, rig.logstore);
  });
  afterAll(() => rig?.close());

  it('writes every record exactly once, on 3 connections at once', { timeout: 60_000 }, async () => {
    const config = rig.writeConfig({
      parse: { fields: ['request_id'] },
      pipeline: { workers: 4 },
      // A commit per worker's chunk (1000 records), so that commits queue up for the 3 slots.
      sink: { type: 'postgres', url: `${TEST_URL}?application_name=${SESSION}`, schema: db.schema, batch: { maxInFlight: IN_FLIGHT, maxRecords: 1000 } },
    });
    const run = rig.run(config);
    // The pool opens a connection only when every open one is busy with a commit, and keeps
    // idle ones for seconds: the most sessions seen is how many commits overlapped.
    let sessions = 0;
    const countSessions = async (): Promise<void> => {
      const [row] = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = $1', [SESSION]);
      sessions = Math.max(sessions, row?.n ?? 0);
    };
    await vi.waitFor(
      async () => {
        await countSessions();
        expect(sessions).toBeGreaterThanOrEqual(IN_FLIGHT);
      },
      { timeout: 20_000, interval: 20 },
    );
    await waitForRows(db, 'requests', LOGS, 30_000);
    await countSessions();
    expect(sessions, 'sessions of the run at most').toBe(IN_FLIGHT);

    run.child.kill('SIGTERM');
    expect(await exitWithin(run, 15_000), run.stderr()).toBe(ExitCode.Ok);
    expectExactlyOnce(await columnValues(db, 'requests'), stored);
  });
});
