// `sluice validate`: each kind of mistake gets its own message and the exit code a run would
// have ended with, before any run starts; and a check never creates what it checks.

import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExitCode } from '../../src/cli/exit-codes.js';
import { runCli } from '../helpers/cli.js';
import { describePostgres, TEST_URL } from '../helpers/postgres.js';
import { RunRig } from '../helpers/run-rig.js';

let rig: RunRig;

beforeAll(async () => {
  rig = await RunRig.start({ generate: 200 });
});
afterAll(() => rig.close());

function validate(config: string, flags: readonly string[] = []): ReturnType<typeof runCli> {
  return runCli(['validate', '--config', config, ...flags], {}, rig.dir);
}

/** The line of check `name` in validate's report. */
function line(stdout: string, name: string): string {
  return stdout.split('\n').find((candidate) => candidate.split(/\s+/)[1] === name) ?? `(no ${name} line in: ${stdout})`;
}

describe('sluice validate', () => {
  it('passes a good config with one ok line per check, and creates neither the sink file nor its directory', async () => {
    const config = rig.writeConfig({ sink: { path: rig.path('out/records/requests.ndjson') } });
    const result = await validate(config);
    expect(result.code, result.stdout + result.stderr).toBe(ExitCode.Ok);
    for (const name of ['config', 'sls', 'group', 'sink', 'dead-letter']) expect(line(result.stdout, name)).toMatch(/^ok\s/);
    expect(line(result.stdout, 'sls')).toContain('logstore access with 4 shards');
    expect(line(result.stdout, 'group')).toContain('consumer group e2e does not exist yet; the first run creates it');
    expect(line(result.stdout, 'sink')).toContain('will be created');
    expect(existsSync(rig.path('out'))).toBe(false);
    expect(existsSync(rig.path('dead-letter.ndjson'))).toBe(false);
  });

  it('exits 78 naming an unknown key, and checks nothing else', async () => {
    const config = rig.writeConfig({ pipeline: { wrokers: 4 } });
    const result = await validate(config);
    expect(result.code).toBe(ExitCode.Config);
    expect(line(result.stdout, 'config')).toMatch(/^FAIL\s+config\s+pipeline\.wrokers: unknown key; did you mean workers\?/);
    expect(result.stdout).not.toMatch(/\bsls\b/);
  });

  it('exits 77 for an access key id SLS does not know, saying so, without printing the id', async () => {
    const id = 'LTAI5tNotKnownToSlsAb12';
    const result = await validate(rig.writeConfig(), ['--access-key-id', id]);
    expect(result.code).toBe(ExitCode.NoPermission);
    expect(line(result.stdout, 'sls')).toMatch(/^FAIL\s+sls\s+SLS does not know the access key id \*\*\*\*Ab12 from source\.accessKeyId \(InvalidAccessKeyId\)/);
    expect(line(result.stdout, 'group')).toMatch(/^skip\s+group\s+needs sls/);
    expect(result.stdout + result.stderr).not.toContain(id);
  });

  it('exits 77 for a wrong secret with a message of its own, without printing the secret', async () => {
    const result = await validate(rig.writeConfig(), ['--access-key-secret', 'not-the-e2e-secret']);
    expect(result.code).toBe(ExitCode.NoPermission);
    expect(line(result.stdout, 'sls')).toMatch(/^FAIL\s+sls\s+the access key secret is wrong: SLS knows the access key id .* \(SignatureNotMatch\)/);
    expect(result.stdout + result.stderr).not.toContain('not-the-e2e-secret');
  });

  it('exits 69 when the endpoint cannot be reached, naming the host and what to check', async () => {
    const result = await validate(rig.writeConfig({ source: { endpoint: 'http://127.0.0.1:1' } }));
    expect(result.code).toBe(ExitCode.Unavailable);
    expect(line(result.stdout, 'sls')).toMatch(/^FAIL\s+sls\s+cannot reach SLS at 127\.0\.0\.1:1: check source\.endpoint \(http:\/\/127\.0\.0\.1:1\) and the network/);
    expect(line(result.stdout, 'sls')).toContain('ECONNREFUSED');
  });

  it('exits 78 for a logstore that does not exist, and 74 for a sink path that is a directory, with the first failure\'s code', async () => {
    const missing = await validate(rig.writeConfig(), ['--logstore', 'no-such-logstore']);
    expect(missing.code).toBe(ExitCode.Config);
    expect(line(missing.stdout, 'sls')).toContain('LogStoreNotExist');

    const directory = await validate(rig.writeConfig({ sink: { path: rig.dir } }));
    expect(directory.code).toBe(ExitCode.SinkFailed);
    expect(line(directory.stdout, 'sink')).toMatch(/^FAIL\s+sink\s+is a directory \(EISDIR\) checking .*: sink\.path must name a file/);
    expect(line(directory.stdout, 'dead-letter')).toMatch(/^ok\s/);
  });
});

describePostgres('sluice validate with a postgres sink', (db) => {
  const postgres = (table: string, url = TEST_URL): Record<string, unknown> => ({ type: 'postgres', url, schema: db.schema, table });

  it('passes when the table can be created, and does not create it', async () => {
    const result = await validate(rig.writeConfig({ sink: postgres('fresh') }));
    expect(result.code, result.stdout + result.stderr).toBe(ExitCode.Ok);
    expect(line(result.stdout, 'sink')).toContain(`table "${db.schema}"."fresh" does not exist; the first run creates it`);
    expect(await db.query('SELECT 1 FROM information_schema.tables WHERE table_schema = $1 AND table_name = $2', [db.schema, 'fresh'])).toEqual([]);
  });

  it('passes a table that fits, and exits 74 naming the column of one that does not', async () => {
    const run = rig.run(rig.writeConfig({ sink: postgres('fits') }), ['--until', 'end']);
    expect(await run.exited, run.stderr()).toBe(0);
    const fits = await validate(rig.writeConfig({ sink: postgres('fits') }));
    expect(fits.code, fits.stdout).toBe(ExitCode.Ok);
    expect(line(fits.stdout, 'sink')).toContain(`table "${db.schema}"."fits" exists and fits`);

    await db.query(`CREATE TABLE ${db.table('misfit')} (logged_at timestamptz, status integer)`);
    const misfit = await validate(rig.writeConfig({ sink: postgres('misfit') }));
    expect(misfit.code).toBe(ExitCode.SinkFailed);
    expect(line(misfit.stdout, 'sink')).toMatch(/^FAIL\s+sink\s+postgres sink: table .*"misfit" has no column "time"/);
  });

  it('exits 74 when nothing listens on the database port, never printing the password', async () => {
    const result = await validate(rig.writeConfig({ sink: postgres('requests', 'postgres://sluice:pg-validate-pass-91@127.0.0.1:1/test') }));
    expect(result.code).toBe(ExitCode.SinkFailed);
    expect(line(result.stdout, 'sink')).toMatch(/^FAIL\s+sink\s+connection refused \(ECONNREFUSED\) preparing .* at postgres:\/\/sluice:\*\*\*@127\.0\.0\.1:1\/test/);
    expect(result.stdout + result.stderr).not.toContain('pg-validate-pass-91');
  });
});
