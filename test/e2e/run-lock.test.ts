// The job lock, as cron meets it: a run started while the previous run of the same job is
// still going exits 73 at once, saying who holds the lock and what to do; other consumers and
// other groups are other jobs and run; a lock left by a run that died is taken over; and a
// run that ends removes its lock.

import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExitCode } from '../../src/cli/exit-codes.js';
import { exitWithin, type CliProcess, type LogLine } from '../helpers/cli.js';
import { RunRig } from '../helpers/run-rig.js';

let rig: RunRig;

beforeAll(async () => {
  rig = await RunRig.start({ generate: 2000, shards: 2 });
});
afterAll(() => rig.close());

const isStartLine = (line: LogLine): boolean => typeof line.msg === 'string' && line.msg.startsWith('sluice run: ');

/** The start line's lock file: logged once the run holds it. */
async function lockOf(run: CliProcess): Promise<string> {
  const start = await run.waitForLog(isStartLine);
  expect(typeof start.lock).toBe('string');
  return start.lock as string;
}

describe('sluice run: the job lock', () => {
  it('refuses a second run of the same job with exit 73 while the first runs; other consumers and groups run', async () => {
    const config = rig.writeConfig({ source: { consumerGroup: 'locked' } }, 'locked.yaml');
    const first = rig.run(config);
    const lock = await lockOf(first);
    // Pulling has begun: the drain's signal handlers are in place.
    await first.waitForLog((line) => typeof line.msg === 'string' && line.msg.endsWith('assigned to this consumer'));
    expect(JSON.parse(readFileSync(lock, 'utf8'))).toMatchObject({ pid: first.child.pid, hostname: hostname() });

    const second = rig.run(config, ['--until', 'end', '--summary', rig.path('second.json')]);
    expect(await exitWithin(second, 15_000), second.stderr()).toBe(ExitCode.Locked);
    expect(second.stderr()).toMatch(new RegExp(`another sluice run of this job holds the lock ${lock}: pid ${first.child.pid}, running since \\S+; wait for it to end`));
    expect(second.logs().some(isStartLine)).toBe(false);
    expect(JSON.parse(readFileSync(rig.path('second.json'), 'utf8'))).toMatchObject({ reason: 'fatal', exitCode: ExitCode.Locked, records: 0 });

    const otherGroup = rig.run(config, ['--consumer-group', 'locked-other', '--until', 'end']);
    expect(await exitWithin(otherGroup, 15_000), otherGroup.stderr()).toBe(ExitCode.Ok);
    // Another consumer of the same group runs beside the first (here it ends at once: the first holds every shard).
    const otherConsumer = rig.run(config, ['--consumer', 'e2e-2', '--until', 'end']);
    expect(await exitWithin(otherConsumer, 15_000), otherConsumer.stderr()).toBe(ExitCode.Ok);
    expect(await lockOf(otherConsumer)).not.toBe(lock);

    expect(existsSync(lock)).toBe(true);
    first.child.kill('SIGTERM');
    expect(await exitWithin(first, 15_000), first.stderr()).toBe(ExitCode.Ok);
    expect(existsSync(lock)).toBe(false);
  });

  it('takes over a lock left by a run that is gone, and removes it at the end', async () => {
    const lock = rig.path('stale.lock');
    const { pid } = spawnSync(process.execPath, ['-e', '']);
    writeFileSync(lock, JSON.stringify({ pid, hostname: hostname(), startedAt: '2024-05-01T00:00:00.000Z', job: {} }));
    const run = rig.run(rig.writeConfig({ source: { consumerGroup: 'stale' } }, 'stale.yaml'), ['--until', 'end', '--lock', lock]);
    expect(await exitWithin(run, 15_000), run.stderr()).toBe(ExitCode.Ok);
    expect(run.logs().find((line) => line.level === 40)).toMatchObject({ lock, msg: expect.stringContaining(`left by a run that is gone (pid ${pid}`) });
    expect(existsSync(lock)).toBe(false);
  });

  it('with --lock off, takes no lock', async () => {
    const run = rig.run(rig.writeConfig({ source: { consumerGroup: 'unlocked' } }, 'unlocked.yaml'), ['--until', 'end', '--lock', 'off']);
    expect(await exitWithin(run, 15_000), run.stderr()).toBe(ExitCode.Ok);
    expect(run.logs().find(isStartLine)).toMatchObject({ lock: null });
  });
});
