// The database goes away for 20 s in the middle of a run, then comes back. sluice must ride
// it out: retry without crashing, hold the pullers back while nothing can be written (so
// memory stays flat instead of filling with a logstore's worth of records), and once the
// database is back deliver every record, none twice, without a dedupe key to hide behind.

import { setTimeout as delay } from 'node:timers/promises';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { ExitCode } from '../../src/cli/exit-codes.js';
import { exitWithin } from '../helpers/cli.js';
import { expectExactlyOnce } from '../helpers/delivery.js';
import { columnValues, countRows, describePostgres, TEST_SERVER, testUrlVia, waitForRows } from '../helpers/postgres.js';
import { RunRig, residentKb } from '../helpers/run-rig.js';
import { storedRequestIds } from '../helpers/sls-readback.js';
import { TcpProxy } from '../helpers/tcp-proxy.js';

const LOGS = 100_000;
const SHARDS = 2;
/** pipeline.queueCapacity: records in flight before the pullers wait. */
const CAPACITY = 5000;
const OUTAGE_MS = 20_000;
const MAX_PEAK_RSS_MB = 400;
/** The application_name of the run's database sessions. */
const SESSION = `sluice-outage-${process.pid}`;

describePostgres('sluice run --sink postgres: the database unreachable for 20 s', (db) => {
  let rig: RunRig;
  let proxy: TcpProxy;
  let stored: string[];

  beforeAll(async () => {
    rig = await RunRig.start({ generate: LOGS, shards: SHARDS });
    proxy = await TcpProxy.start(TEST_SERVER);
    stored = await storedRequestIds(rig.client, rig.logstore);
  });
  afterAll(async () => {
    await rig?.close();
    await proxy?.close();
  });

  it('retries until it is back, pulls nothing meanwhile once full, then delivers every record once in bounded memory', { timeout: 90_000 }, async () => {
    const config = rig.writeConfig({
      parse: { fields: ['request_id'] },
      pipeline: { queueCapacity: CAPACITY },
      // One commit at a time, on one connection: see the cut below.
      sink: { type: 'postgres', url: `${testUrlVia(proxy.port)}?application_name=${SESSION}`, schema: db.schema, connectTimeout: '1s', batch: { maxInFlight: 1 } },
    });
    const served = (): { pulls: number; logs: number } => {
      const stats = rig.emulator.stats();
      return { pulls: stats.calls.PullLogs ?? 0, logs: stats.pulledLogs };
    };
    const before = served();
    const run = rig.run(config);
    await waitForRows(db, 'requests', 1);

    // A commit the server completed but whose answer the cut lost would be written again after
    // the outage, a duplicate that at-least-once allows and only a dedupe key absorbs. So the
    // cut comes while the run's one connection waits for a lock the test holds: its previous
    // commit was answered, and the one in flight cannot finish.
    const unlock = await db.lock('requests');
    await vi.waitFor(
      async () => {
        const waiting = await db.query(`SELECT 1 FROM pg_stat_activity WHERE application_name = $1 AND wait_event_type = 'Lock'`, [SESSION]);
        expect(waiting.length, 'commits of the run waiting for the lock').toBe(1);
      },
      { timeout: 10_000, interval: 20 },
    );
    proxy.cut();
    await unlock();
    const cutAt = performance.now();
    const rowsAtCut = await countRows(db, 'requests');
    await run.waitForLog((line) => line.msg === 'sink commit failed; retrying');

    // Pullers go on until the pipeline holds its capacity of records nobody can write; from
    // then on no new pull may start (one per shard may have been under way).
    const full = await vi.waitFor(
      () => {
        const now = served();
        if (now.logs - before.logs - rowsAtCut < CAPACITY) throw new Error(`${now.logs - before.logs} logs pulled, ${rowsAtCut} written: not full yet`);
        return now;
      },
      { timeout: OUTAGE_MS / 2, interval: 50 },
    );
    // The outage itself lasts its 20 s whatever the run does meanwhile.
    await delay(OUTAGE_MS - (performance.now() - cutAt));
    const end = served();
    expect(end.pulls - full.pulls, 'PullLogs calls after the pipeline was full, while the database was down').toBeLessThanOrEqual(SHARDS);
    expect(end.logs - before.logs, 'logs pulled by the end of the outage: the rest stayed in SLS').toBeLessThan(LOGS);
    expect(await countRows(db, 'requests')).toBe(rowsAtCut);
    expect(run.child.exitCode, 'the run is still alive').toBeNull();

    proxy.restore();
    await waitForRows(db, 'requests', LOGS, 30_000);
    const peakMb = residentKb(run.child.pid as number, 'VmHWM') / 1024;
    expect(peakMb, 'peak RSS of the run (VmHWM), MB').toBeLessThan(MAX_PEAK_RSS_MB);
    expect(run.logs().some((line) => /^sink works again after \d+ failed writes$/.test(line.msg ?? '')), run.stderr()).toBe(true);

    run.child.kill('SIGTERM');
    expect(await exitWithin(run, 15_000), run.stderr()).toBe(ExitCode.Ok);
    expectExactlyOnce(await columnValues(db, 'requests'), stored);
  });
});
