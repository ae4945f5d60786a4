// A cron job's runs: `--max-runtime` ends a run that cannot finish in time with exit 3 after a
// clean drain, and the next `--until end` run delivers the rest (every log exactly once over
// both: nothing lost, nothing twice); `--summary` says how each run ended, in numbers that
// agree with the sink file and the group's checkpoints, and for a failed run, why.

import { mkdirSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExitCode } from '../../src/cli/exit-codes.js';
import type { RunSummary } from '../../src/cli/run-summary.js';
import { exitWithin } from '../helpers/cli.js';
import { expectExactlyOnce } from '../helpers/delivery.js';
import { RunRig } from '../helpers/run-rig.js';
import { countLines, readSink, requestIds } from '../helpers/sink-file.js';
import { storedRequestIds } from '../helpers/sls-readback.js';

// Four PullLogs answers a shard (an answer is capped at 8 MiB, ~15k logs), each held back
// PULL_LATENCY: within MAX_RUNTIME a shard gets at most two of them, so the first run cannot
// finish, whatever the machine's speed. The first answers arrive well within it.
const SHARDS = 2;
const LOGS = 120_000;
const PULL_LATENCY = '1500ms';
const MAX_RUNTIME = '4s';

let rig: RunRig;
let stored: string[];

beforeAll(async () => {
  rig = await RunRig.start({ generate: LOGS, shards: SHARDS });
  stored = await storedRequestIds(rig.client, rig.logstore);
}, 60_000);
afterAll(() => rig.close());

function summaryAt(path: string): RunSummary {
  return JSON.parse(readFileSync(path, 'utf8')) as RunSummary;
}

/** The group's checkpoints, as a summary lists them. */
async function groupCheckpoints(group: string): Promise<RunSummary['checkpoints']> {
  const checkpoints = await rig.client.getCheckpoints(rig.logstore, group);
  return checkpoints.map(({ shard, checkpoint }) => ({ shard, checkpoint })).sort((a, b) => a.shard - b.shard);
}

describe('sluice run as a cron job', () => {
  it('--max-runtime drains and exits 3; the next --until end run delivers the rest, each log once; each summary agrees', async () => {
    const output = rig.path('cron.ndjson');
    const config = rig.writeConfig({ source: { consumerGroup: 'cron' }, sink: { path: output } }, 'cron.yaml');
    rig.emulator.setFaults(`PullLogs:latency=${PULL_LATENCY}`);
    const first = rig.run(config, ['--max-runtime', MAX_RUNTIME, '--summary', rig.path('first.json')]);
    expect(await exitWithin(first, 30_000), first.stderr()).toBe(ExitCode.MaxRuntime);
    expect(first.stderr()).toMatch(/sluice: --max-runtime reached: drained cleanly; records not yet pulled are left for the next run/);
    const written = countLines(output);
    expect(written).toBeGreaterThan(0);
    expect(written).toBeLessThan(LOGS);
    const firstSummary = summaryAt(rig.path('first.json'));
    expect(firstSummary).toMatchObject({ reason: 'max-runtime', exitCode: ExitCode.MaxRuntime, records: written, unwritten: 0, deadLettered: 0 });
    expect(firstSummary.checkpoints).toEqual(await groupCheckpoints('cron'));

    rig.emulator.setFaults('');
    const rest = rig.run(config, ['--until', 'end', '--summary', rig.path('rest.json')]);
    expect(await exitWithin(rest, 60_000), rest.stderr()).toBe(ExitCode.Ok);
    expectExactlyOnce(requestIds(readSink(output)), stored);
    const restSummary = summaryAt(rig.path('rest.json'));
    expect(restSummary).toMatchObject({ reason: 'end', exitCode: ExitCode.Ok, records: LOGS - written, unwritten: 0 });
    expect(restSummary.checkpoints).toEqual(await groupCheckpoints('cron'));
    expect(restSummary.checkpoints).toHaveLength(SHARDS);
    expect(restSummary.bytes).toBeGreaterThan(0);
    expect(Date.parse(restSummary.endedAt) - Date.parse(restSummary.startedAt)).toBe(restSummary.durationMs);
  }, 120_000);

  it('--summary of a run that fails says fatal, the exit code and the error', async () => {
    const blocked = rig.path('a-directory');
    mkdirSync(blocked);
    const config = rig.writeConfig({ source: { consumerGroup: 'failing' }, sink: { path: blocked } }, 'failing.yaml');
    const run = rig.run(config, ['--until', 'end', '--summary', rig.path('failing.json')]);
    expect(await exitWithin(run, 15_000), run.stderr()).toBe(ExitCode.SinkFailed);
    expect(summaryAt(rig.path('failing.json'))).toMatchObject({
      reason: 'fatal',
      exitCode: ExitCode.SinkFailed,
      records: 0,
      error: expect.stringContaining(blocked),
    });
  });
});
