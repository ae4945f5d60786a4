// Secrets stay secret (ARCHITECTURE.md), in everything a run prints or serves: its stdout and
// stderr at log level trace, /metrics, /readyz (also while the database is away and the answer
// names it), /healthz, the pause answers and `sluice ctl`'s output. The access key secret and
// the database password are distinctive strings, searched for in all of it, for a run that
// lives through a database outage and for runs that fail (a wrong secret, a database that
// cannot be reached). PostgreSQL trusts local connections, so any password is accepted.

import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { ExitCode } from '../../src/cli/exit-codes.js';
import { endpointOf, get, post, scrape } from '../helpers/admin-endpoint.js';
import { runCli, type CliProcess } from '../helpers/cli.js';
import { describePostgres, TEST_SERVER, testUrlVia, waitForRows } from '../helpers/postgres.js';
import { RunRig } from '../helpers/run-rig.js';
import { TcpProxy } from '../helpers/tcp-proxy.js';

const SECRET = 'sls-secret-e2e-9c41d7f0';
const WRONG_SECRET = 'sls-wrong-secret-e2e-5b20ae';
const PASSWORD = 'pg-pass-e2e-observe-3d8e';
const LOGS = 5000;

/** Everything the runs printed or served, to search for the secrets. */
const seen: string[] = [];

/** Keeps `text` for the search, and returns it. */
function keep(text: string): string {
  seen.push(text);
  return text;
}

function keepOutput(run: CliProcess | { stdout: string; stderr: string }): void {
  if ('child' in run) keep(run.stdout() + run.stderr());
  else keep(run.stdout + run.stderr);
}

function expectNoSecretSeen(): void {
  const all = seen.join('\n');
  for (const secret of [SECRET, WRONG_SECRET, PASSWORD]) expect(all.includes(secret), `${secret} appears in what sluice printed or served`).toBe(false);
}

describePostgres('sluice run --listen: no secret in what it prints or serves', (db) => {
  let rig: RunRig;
  let proxy: TcpProxy;

  beforeAll(async () => {
    rig = await RunRig.start({ generate: LOGS, shards: 2 }, { accessKeyId: 'observe-e2e-id', accessKeySecret: SECRET });
    proxy = await TcpProxy.start(TEST_SERVER);
  });
  afterAll(async () => {
    await rig?.close();
    await proxy?.close();
  });

  it('through a database outage: logs, /metrics, /readyz naming the database masked, /healthz, pause answers and sluice ctl', { timeout: 60_000 }, async () => {
    const url = testUrlVia(proxy.port).replace('@', `:${PASSWORD}@`);
    const config = rig.writeConfig({
      log: { level: 'trace' },
      parse: { fields: ['request_id'] },
      sink: { type: 'postgres', url, schema: db.schema, connectTimeout: '1s' },
    });
    const run = rig.run(config, ['--listen', '127.0.0.1:0']);
    const endpoint = await endpointOf(run);
    const address = new URL(endpoint).host;
    await waitForRows(db, 'requests', LOGS);
    expect(keep((await scrape(endpoint)).text)).toContain('sluice_written_records_total');
    keep((await get(endpoint, '/readyz')).body);
    keep((await get(endpoint, '/healthz')).body);
    keep((await post(endpoint, '/pause')).body);
    keep((await post(endpoint, '/resume')).body);
    for (const action of ['pause', 'resume']) keepOutput(await runCli(['ctl', action, '--address', address]));

    // The database goes away while logs arrive: the sink is not ready, and says why.
    proxy.cut();
    await rig.admin('POST', 'generate', { logs: 500 });
    const notReady = await vi.waitFor(
      async () => {
        const answer = await get(endpoint, '/readyz');
        expect(answer.status).toBe(503);
        return keep(answer.body);
      },
      { timeout: 15_000, interval: 50 },
    );
    expect(JSON.parse(notReady)).toMatchObject({ ready: false, reason: 'sink not ready' });
    expect(notReady).toContain(':***@127.0.0.1');
    // The commits of the new logs fail and are retried: counted by code.
    await vi.waitFor(async () => expect(keep((await scrape(endpoint)).text)).toMatch(/sluice_errors_total\{component="sink",code="\w+"\} [1-9]/), {
      timeout: 15_000,
      interval: 100,
    });

    proxy.restore();
    await waitForRows(db, 'requests', LOGS + 500);
    await vi.waitFor(async () => expect(keep((await get(endpoint, '/readyz')).body)).toBe('{"ready":true}\n'), { timeout: 15_000, interval: 50 });
    run.child.kill('SIGTERM');
    expect(await run.exited, run.stderr()).toBe(ExitCode.Ok);
    keepOutput(run);
    expect(run.stderr()).toContain(':***@127.0.0.1');
    expectNoSecretSeen();
  });

  it('in runs that fail: a wrong access key secret, a database that cannot be reached', { timeout: 30_000 }, async () => {
    const wrongKey = rig.writeConfig({ log: { level: 'trace' }, source: { consumerGroup: 'wrong-key', accessKeySecret: WRONG_SECRET } }, 'wrong-key.yaml');
    const refused = await runCli(['run', '--config', wrongKey, '--listen', '127.0.0.1:0'], {}, rig.dir);
    expect(refused.code, refused.stderr).toBe(ExitCode.NoPermission);
    expect(refused.stderr).toMatch(/SignatureNotMatch/);
    keepOutput(refused);

    const noDatabase = rig.writeConfig({ log: { level: 'trace' }, source: { consumerGroup: 'no-database' } }, 'no-database.yaml');
    const unreachable = await runCli(
      ['run', '--config', noDatabase, '--listen', '127.0.0.1:0', '--sink', 'postgres', '--output', `postgres://sluice:${PASSWORD}@127.0.0.1:1/logs`],
      {},
      rig.dir,
    );
    expect(unreachable.code, unreachable.stderr).toBe(ExitCode.SinkFailed);
    expect(unreachable.stderr).toContain('postgres://sluice:***@127.0.0.1:1/logs');
    keepOutput(unreachable);
    expectNoSecretSeen();
  });
});
