import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import type { RunOutcome, RunStats } from '../../../src/app/run-outcome.js';
import { logSummary } from '../../../src/app/run-log.js';
import { SinkError } from '../../../src/sinks/sink-error.js';

const stats = { ackedRecords: 10, deadLetteredRecords: 0, inFlightRecords: 5, bytesCommitted: 100, commits: 1, durationMs: 1000, checkpoints: [] } as unknown as RunStats;

/** The JSON lines a logger writes. */
function captured(): { log: pino.Logger; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const log = pino({ level: 'info' }, { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) });
  return { log, lines };
}

describe('logSummary', () => {
  it("logs the error that ended the run with its type and code, every secret masked in it and in its cause", () => {
    const cause = new Error('password authentication failed: s3cret-pw');
    const error = new SinkError({ code: 'PermissionDenied', retryable: false, message: 'refused for user LTAIkey with s3cret-pw', cause });
    const outcome: RunOutcome = { reason: 'fatal', error, stats };
    const { log, lines } = captured();
    logSummary(outcome, log, ['s3cret-pw', 'LTAIkey']);
    expect(lines).toHaveLength(1);
    const text = JSON.stringify(lines[0]);
    expect(text).not.toContain('s3cret-pw');
    expect(text).not.toContain('LTAIkey');
    expect(lines[0]).toMatchObject({
      level: 50,
      reason: 'fatal',
      err: { type: 'SinkError', code: 'PermissionDenied', message: expect.stringMatching(/^refused for user \[redacted\] with \[redacted\]/) as unknown },
    });
    expect((lines[0]?.err as { message: string }).message).toContain('password authentication failed: [redacted]');
    // The error itself is left as it was.
    expect(error.message).toBe('refused for user LTAIkey with s3cret-pw');
  });
});
