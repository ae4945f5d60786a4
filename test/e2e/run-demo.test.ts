// `sluice demo`: the emulator and the pipeline in one process, into the default file sink.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { readSink, requestIds } from '../helpers/sink-file.js';

let cwd: string | undefined;

afterEach(() => {
  if (cwd !== undefined) rmSync(cwd, { recursive: true, force: true });
  cwd = undefined;
});

describe('sluice demo', () => {
  it('--until end exits 0 having written every generated record to ./data/requests.ndjson', async () => {
    cwd = mkdtempSync(join(tmpdir(), 'sluice-demo-'));
    const result = await runCli(['demo', '--until', 'end', '--logs', '20000'], {}, cwd);
    expect(result.code, result.stderr).toBe(0);
    const ids = requestIds(readSink(join(cwd, 'data', 'requests.ndjson')));
    expect(ids.length).toBe(20_000);
    expect(new Set(ids).size).toBe(20_000);
  });
});
