// kill -9 after rows are committed but before their checkpoint is: the restart reads those
// records again. With sink.dedupe the replays are absorbed (one row per request_id); without
// it they are duplicates, which at-least-once allows, and nothing is missing either way.
// A checkpoint interval of an hour makes "committed, not checkpointed" certain at the kill.

import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { ExitCode } from '../../src/cli/exit-codes.js';
import { exitWithin } from '../helpers/cli.js';
import { expectAtLeastOnce, expectExactlyOnce } from '../helpers/delivery.js';
import { columnValues, countRows, describePostgres, TEST_URL, waitForRows } from '../helpers/postgres.js';
import { RunRig } from '../helpers/run-rig.js';
import { storedRequestIds } from '../helpers/sls-readback.js';

// Two shards of ~20k logs: two PullLogs answers each, so a kill leaves work for the restart.
const LOGS = 40_000;

describePostgres('sluice run --sink postgres: kill -9 between COPY and checkpoint', (db) => {
  let rig: RunRig;
  let stored: string[];

  beforeAll(async () => {
    rig = await RunRig.start({ generate: LOGS, shards: 2 });
    stored = await storedRequestIds(rig.client, rig.logstore);
  });
  afterAll(() => rig?.close());

  /**
   * Runs into `table` with its own consumer group, kills the run once rows are committed,
   * checks that nothing was checkpointed, restarts it to the end; resolves with the rows the
   * killed run had committed.
   */
  async function killAndRestart(table: string, dedupe: boolean): Promise<number> {
    const session = `${db.schema}-${table}`;
    const config = rig.writeConfig(
      {
        source: { consumerGroup: table, checkpointInterval: '1h' },
        parse: { fields: ['request_id'] },
        sink: { type: 'postgres', url: `${TEST_URL}?application_name=${session}`, schema: db.schema, table, dedupe },
      },
      `${table}.yaml`,
    );
    const first = rig.run(config);
    await waitForRows(db, table, 1);
    first.child.kill('SIGKILL');
    expect(await first.exited).toBe('SIGKILL');
    const checkpoints = await rig.client.getCheckpoints(rig.logstore, table);
    expect(checkpoints.filter((c) => c.checkpoint !== ''), 'checkpoints committed before the kill').toEqual([]);
    // A COMMIT the server had already received still completes once the client is gone: count
    // the killed run's rows after its sessions have ended.
    await vi.waitFor(
      async () => expect(await db.query('SELECT 1 FROM pg_stat_activity WHERE application_name = $1', [session])).toEqual([]),
      { timeout: 10_000, interval: 50 },
    );
    const committed = await countRows(db, table);
    expect(committed).toBeGreaterThan(0);

    const second = rig.run(config, ['--until', 'end']);
    expect(await exitWithin(second, 30_000), second.stderr()).toBe(ExitCode.Ok);
    return committed;
  }

  it('with sink.dedupe: the restart writes every record, and exactly one row per request_id', { timeout: 60_000 }, async () => {
    await killAndRestart('crash_dedupe', true);
    expectExactlyOnce(await columnValues(db, 'crash_dedupe'), stored);
  });

  it('without dedupe: every record at least once; the records committed before the kill, twice', { timeout: 60_000 }, async () => {
    const committed = await killAndRestart('crash_plain', false);
    const ids = await columnValues(db, 'crash_plain');
    expectAtLeastOnce(ids, stored);
    // Nothing was checkpointed, so the restart read everything from the beginning again.
    expect(ids.length).toBe(LOGS + committed);
  });
});
