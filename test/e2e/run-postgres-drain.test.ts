// SIGTERM while the database is unreachable: the drain cannot write what it holds, so it must
// give up at the drain deadline rather than hang (a Kubernetes rollout would SIGKILL it),
// exit with the code that says so, and checkpoint only what is in the table. The next run,
// with the database back, delivers the rest.

import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { ExitCode } from '../../src/cli/exit-codes.js';
import { decodeCursor } from '../../src/sls/cursor.js';
import { exitWithin } from '../helpers/cli.js';
import { expectExactlyOnce } from '../helpers/delivery.js';
import { columnValues, describePostgres, TEST_SERVER, testUrlVia, waitForRows } from '../helpers/postgres.js';
import { RunRig } from '../helpers/run-rig.js';
import { readAllShards, type StoredLog } from '../helpers/sls-readback.js';
import { TcpProxy } from '../helpers/tcp-proxy.js';

const LOGS = 60_000;
const DRAIN_TIMEOUT_MS = 3000;
/** Time past the deadline to close the source, commit checkpoints and exit on a loaded machine. */
const EXIT_SLACK_MS = 4000;

describePostgres('sluice run --sink postgres: a drain while the database is down', (db) => {
  let rig: RunRig;
  let proxy: TcpProxy;
  let stored: StoredLog[];

  beforeAll(async () => {
    rig = await RunRig.start({ generate: LOGS, shards: 2 });
    proxy = await TcpProxy.start(TEST_SERVER);
    stored = await readAllShards(rig.client, rig.logstore);
  });
  afterAll(async () => {
    await rig?.close();
    await proxy?.close();
  });

  it(`exits ${ExitCode.Interrupted} at the drain deadline checkpointing only what is in the table; the next run delivers the rest once`, { timeout: 60_000 }, async () => {
    const config = rig.writeConfig({
      parse: { fields: ['request_id'] },
      pipeline: { drainTimeout: `${DRAIN_TIMEOUT_MS}ms` },
      sink: { type: 'postgres', url: testUrlVia(proxy.port), schema: db.schema, dedupe: true, connectTimeout: '1s' },
    });
    const first = rig.run(config);
    await waitForRows(db, 'requests', 1);
    // Some checkpoint is in the group, so that "not past the table" below is about something.
    await vi.waitFor(async () => expect((await rig.client.getCheckpoints(rig.logstore, 'e2e')).some((c) => c.checkpoint !== '')).toBe(true), {
      timeout: 10_000,
      interval: 50,
    });
    proxy.cut();
    await first.waitForLog((line) => line.msg === 'sink commit failed; retrying');

    const signalled = performance.now();
    first.child.kill('SIGTERM');
    expect(await exitWithin(first, DRAIN_TIMEOUT_MS + EXIT_SLACK_MS), first.stderr()).toBe(ExitCode.Interrupted);
    expect(performance.now() - signalled, 'it waited for the drain first').toBeGreaterThanOrEqual(DRAIN_TIMEOUT_MS - 100);
    const summary = first.logs().find((line) => line.reason === 'drain-timeout');
    expect(summary?.unwritten, first.stderr()).toBeGreaterThan(0);

    // Every log below a shard's checkpoint is in the table: the checkpoints cover nothing unwritten.
    const written = new Set(await columnValues(db, 'requests'));
    expect(written.size).toBeLessThan(LOGS);
    const checkpoints = await rig.client.getCheckpoints(rig.logstore, 'e2e');
    const uncovered = checkpoints.flatMap(({ shard, checkpoint }) => {
      if (checkpoint === '') return [];
      const below = stored.filter((log) => log.shard === shard && decodeCursor(log.cursor) < decodeCursor(checkpoint));
      return below.filter((log) => !written.has(log.requestId)).map((log) => `${shard}/${log.cursor}/${log.index}`);
    });
    expect(uncovered.slice(0, 5), 'checkpointed logs missing from the table').toEqual([]);

    proxy.restore();
    const second = rig.run(config, ['--until', 'end']);
    expect(await exitWithin(second, 30_000), second.stderr()).toBe(ExitCode.Ok);
    expectExactlyOnce(await columnValues(db, 'requests'), stored.map((log) => log.requestId));
  });
});
