// `sluice config print`: the configuration a run would use, from the file, its `${VAR}`s and
// the flags, with every secret masked; scripts read it, so its keys are the config file's.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ExitCode } from '../../src/cli/exit-codes.js';
import { runCli } from '../helpers/cli.js';

const ACCESS_KEY_ID = 'LTAI5tPrintTestKeyIdQx7Z';
const ACCESS_KEY_SECRET = 'print-secret-5d1e9c';
const DB_PASSWORD = 'db-pass-c4a7f2';

const dir = mkdtempSync(join(tmpdir(), 'sluice-config-print-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function writeConfig(name: string, yaml: string): string {
  const file = join(dir, name);
  writeFileSync(file, yaml);
  return file;
}

const CONFIG = `
source:
  endpoint: http://127.0.0.1:9800
  project: demo
  logstore: access
  accessKeyId: ${ACCESS_KEY_ID}
  accessKeySecret: \${PRINT_TEST_SECRET}
  consumer: \${PRINT_TEST_CONSUMER}
  groupTimeout: 60s
pipeline:
  workers: 2
  batch:
    maxBytes: 8388608
sink:
  type: postgres
  url: postgres://sluice:\${PRINT_TEST_DB_PASSWORD}@db.internal:5432/logs
`;

const ENV = { PRINT_TEST_SECRET: ACCESS_KEY_SECRET, PRINT_TEST_CONSUMER: 'worker-7', PRINT_TEST_DB_PASSWORD: DB_PASSWORD };

describe('sluice config print', () => {
  it('prints the file, its ${VAR}s and the flags over them, with defaults, in the units a config file uses', async () => {
    const file = writeConfig('sluice.yaml', CONFIG);
    const result = await runCli(['config', 'print', '--config', file, '--workers', '6', '--from', '2024-05-01T08:00:00+08:00'], ENV);
    expect(result.code, result.stderr).toBe(0);
    const printed = parse(result.stdout) as Record<string, Record<string, unknown>>;
    expect(printed.source).toMatchObject({ project: 'demo', consumer: 'worker-7', groupTimeout: '60s', from: '2024-05-01T00:00:00Z', until: null, consumerGroup: 'sluice' });
    expect(printed.pipeline).toMatchObject({ workers: 6, drainTimeout: '25s', batch: { maxBytes: '8MiB', linger: '100ms', maxRecords: 10000 } });
    expect(printed.sink).toMatchObject({ type: 'postgres', schema: 'public', table: 'requests', commitTimeout: '60s' });
  });

  it('never prints the access key secret or the database password, and shows only the tail of the access key id', async () => {
    const file = writeConfig('secrets.yaml', CONFIG);
    const result = await runCli(['config', 'print', '--config', file], ENV);
    expect(result.code, result.stderr).toBe(0);
    const printed = parse(result.stdout) as Record<string, Record<string, unknown>>;
    expect(printed.source).toMatchObject({ accessKeyId: '****Qx7Z', accessKeySecret: '********' });
    expect(printed.sink!.url).toBe('postgres://sluice:***@db.internal:5432/logs');
    const output = result.stdout + result.stderr;
    for (const secret of [ACCESS_KEY_SECRET, DB_PASSWORD, ACCESS_KEY_ID]) expect(output).not.toContain(secret);
  });

  it('masks a password given by flag, and an STS token', async () => {
    const file = writeConfig('flags.yaml', CONFIG.replace('  groupTimeout: 60s\n', '  groupTimeout: 60s\n  securityToken: sts-token-0b3e\n'));
    const result = await runCli(['config', 'print', '--config', file, '--output', `postgres://admin:${DB_PASSWORD}@10.0.0.5/other`], ENV);
    expect(result.code, result.stderr).toBe(0);
    const printed = parse(result.stdout) as Record<string, Record<string, unknown>>;
    expect(printed.sink!.url).toBe('postgres://admin:***@10.0.0.5/other');
    expect(printed.source!.securityToken).toBe('********');
    expect(result.stdout).not.toContain(DB_PASSWORD);
    expect(result.stdout).not.toContain('sts-token-0b3e');
  });

  it('fails with the config errors and exit code 78, naming the key and never the secret', async () => {
    const file = writeConfig('bad.yaml', `${CONFIG}log:\n  levle: debug\n`);
    const result = await runCli(['config', 'print', '--config', file, '--workers', '0'], ENV);
    expect(result.code).toBe(ExitCode.Config);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('log.levle: unknown key; did you mean level?');
    expect(result.stderr).toContain('--workers (pipeline.workers): expected a whole number from 1 to 256, got 0');
    expect(result.stderr).not.toContain(ACCESS_KEY_SECRET);
  });
});
