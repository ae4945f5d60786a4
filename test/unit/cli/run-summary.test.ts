import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { RunOutcome, RunStats } from '../../../src/app/run-outcome.js';
import { ExitCode } from '../../../src/cli/exit-codes.js';
import { runSummary, writeRunSummary } from '../../../src/cli/run-summary.js';
import { SinkError } from '../../../src/sinks/sink-error.js';

const dir = mkdtempSync(join(tmpdir(), 'sluice-summary-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const stats: RunStats = {
  acceptedRecords: 1200,
  ackedRecords: 1000,
  deadLetteredRecords: 2,
  inFlightRecords: 198,
  peakInFlightRecords: 500,
  queuedChunks: 0,
  activeWorkers: 0,
  commits: 7,
  commitFailures: 1,
  bytesCommitted: 350_000,
  durationMs: 4000,
  startedAt: '2024-05-01T00:00:00.000Z',
  endedAt: '2024-05-01T00:00:04.000Z',
  checkpoints: [
    { shard: 0, checkpoint: 'MTcxNDUyMTYwMDAwMDAwMA==' },
    { shard: 1, checkpoint: 'MTcxNDUyMTYwMDAwMDAwMQ==' },
  ],
};

describe('runSummary', () => {
  it('gives the reason, exit code, counts, times, rate and checkpoints of a run', () => {
    expect(runSummary({ reason: 'max-runtime', stats }, ExitCode.MaxRuntime, [])).toEqual({
      reason: 'max-runtime',
      exitCode: 3,
      records: 1000,
      deadLettered: 2,
      unwritten: 198,
      bytes: 350_000,
      commits: 7,
      durationMs: 4000,
      recordsPerSecond: 250,
      checkpoints: stats.checkpoints,
      startedAt: '2024-05-01T00:00:00.000Z',
      endedAt: '2024-05-01T00:00:04.000Z',
    });
  });

  it("carries the error's message with every secret masked", () => {
    const error = new SinkError({ code: 'PermissionDenied', retryable: false, message: 'refused for user LTAIkey with s3cret-pw at db' });
    const outcome: RunOutcome = { reason: 'fatal', error, stats };
    const summary = runSummary(outcome, ExitCode.SinkFailed, ['s3cret-pw', 'LTAIkey']);
    expect(summary).toMatchObject({ reason: 'fatal', exitCode: 74, error: 'refused for user [redacted] with [redacted] at db' });
  });
});

describe('writeRunSummary', () => {
  it('writes the JSON in place of the previous summary, making the directory, leaving no temporary file', async () => {
    const path = join(dir, 'nested', 'summary.json');
    await writeRunSummary(path, runSummary({ reason: 'end', stats }, ExitCode.Ok, []));
    await writeRunSummary(path, runSummary({ reason: 'drained', stats }, ExitCode.Ok, []));
    expect(JSON.parse(readFileSync(path, 'utf8'))).toMatchObject({ reason: 'drained', exitCode: 0 });
    expect(readdirSync(join(dir, 'nested'))).toEqual(['summary.json']);
  });
});
