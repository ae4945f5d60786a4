// Secrets stay secret (ARCHITECTURE.md): the PostgreSQL sink's URL may hold a password, and
// nothing sluice prints may repeat it, whether the database cannot be reached or the URL is
// refused by the config check. No PostgreSQL is needed: nothing listens on port 1.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExitCode } from '../../src/cli/exit-codes.js';
import { runCli } from '../helpers/cli.js';
import { RunRig } from '../helpers/run-rig.js';

const PASSWORD = 'pg-pass-e2e-7f3a';

let rig: RunRig;

beforeAll(async () => {
  rig = await RunRig.start();
});
afterAll(() => rig?.close());

describe('sluice run --sink postgres: the password in the URL', () => {
  it('is masked when the database cannot be reached at start, even at log level trace', async () => {
    const config = rig.writeConfig({ log: { level: 'trace' } });
    const url = `postgres://sluice:${PASSWORD}@127.0.0.1:1/logs`;
    const result = await runCli(['run', '--config', config, '--sink', 'postgres', '--output', url], {}, rig.dir);
    // A database that cannot be reached at start stops the run before anything is read.
    expect(result.code, result.stderr).toBe(ExitCode.SinkFailed);
    expect(result.stderr).toContain('postgres://sluice:***@127.0.0.1:1/logs');
    expect(result.stdout + result.stderr).not.toContain(PASSWORD);
  });

  it('is not repeated by the config check that refuses a URL of another scheme', async () => {
    const config = rig.writeConfig({ sink: { type: 'postgres', url: `mysql://sluice:${PASSWORD}@127.0.0.1/logs` } });
    const result = await runCli(['run', '--config', config], {}, rig.dir);
    expect(result.code, result.stderr).toBe(ExitCode.Config);
    expect(result.stderr).toMatch(/sink\.url/);
    expect(result.stdout + result.stderr).not.toContain(PASSWORD);
  });
});
