// `sluice shards`: per shard, the data it holds, the consumer group's checkpoint, the consumer
// SLS names as its holder, and how far the group is behind, in log groups and in time.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { RunRig } from '../helpers/run-rig.js';

interface ShardRow {
  shardID: number;
  beginCursor: string;
  endCursor: string;
  checkpoint: string | null;
  consumer: string | null;
  lagLogGroups: number | null;
  lagSeconds: number | null;
}

let rig: RunRig;
let config: string;

beforeAll(async () => {
  rig = await RunRig.start({ generate: 2000 });
  config = rig.writeConfig();
});
afterAll(() => rig.close());

async function shards(): Promise<{ rows: ShardRow[]; stderr: string }> {
  const result = await runCli(['shards', '--config', config, '--json'], {}, rig.dir);
  expect(result.code, result.stderr).toBe(0);
  return { rows: JSON.parse(result.stdout) as ShardRow[], stderr: result.stderr };
}

describe('sluice shards', () => {
  it('before any run: every shard without checkpoint, holder or lag, and says the group does not exist yet', async () => {
    const { rows, stderr } = await shards();
    expect(rows.map((row) => row.shardID)).toEqual([0, 1, 2, 3]);
    for (const row of rows) expect(row).toMatchObject({ checkpoint: null, consumer: null, lagLogGroups: null, lagSeconds: null });
    expect(stderr).toContain('consumer group e2e does not exist in logstore access, so no shard has a checkpoint');
  });

  it('after an --until end run: each checkpoint at its end cursor, the run\'s consumer as holder, lag 0', async () => {
    const run = rig.run(config, ['--until', 'end']);
    expect(await run.exited, run.stderr()).toBe(0);
    const { rows, stderr } = await shards();
    expect(stderr).toBe('');
    for (const row of rows) {
      expect(row).toMatchObject({ checkpoint: row.endCursor, consumer: 'e2e-1', lagLogGroups: 0, lagSeconds: 0 });
      expect(row.beginCursor).not.toBe(row.endCursor);
    }
    const table = await runCli(['shards', '--config', config], {}, rig.dir);
    expect(table.stdout.split('\n')[0]).toMatch(/^SHARD\s+STATUS\s+BEGIN CURSOR\s+END CURSOR\s+CHECKPOINT\s+CONSUMER\s+LAG GROUPS\s+LAG TIME$/);
    expect(table.stdout.split('\n').slice(1, 5).every((line) => /\be2e-1\s+0\s+0s$/.test(line))).toBe(true);
  });

  it('counts the log groups written since, and their age against the end; a holder silent past the timeout is no longer named', async () => {
    const appended = await rig.admin<{ groups: number }>('POST', 'generate', { logs: 600 });
    // Past the group's timeout (10 s): the consumer of the run above has expired by then.
    await rig.admin('POST', 'clock', { advanceMs: 90_000 });
    const { rows } = await shards();
    expect(rows.reduce((sum, row) => sum + (row.lagLogGroups ?? 0), 0)).toBe(appended.groups);
    const behind = rows.filter((row) => row.lagLogGroups! > 0);
    expect(behind.length).toBeGreaterThan(0);
    for (const row of behind) expect(row.lagSeconds).toBeGreaterThanOrEqual(90);
    for (const row of behind) expect(row.lagSeconds).toBeLessThan(100);
    for (const row of rows) expect(row.consumer).toBeNull();
  });
});
