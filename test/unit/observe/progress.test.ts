import { describe, expect, it } from 'vitest';
import { formatLag, formatProgress, ProgressLine, type ProgressSnapshot } from '../../../src/observe/progress.js';

const snapshot = (over: Partial<ProgressSnapshot> = {}): ProgressSnapshot => ({
  elapsedMs: 0,
  ackedRecords: 0,
  deadLetteredRecords: 0,
  inFlightRecords: 0,
  heldShards: 4,
  paused: false,
  ...over,
});

describe('formatProgress', () => {
  it('shows the total, the rate since the earlier snapshot, the queue depth, the lag and the shards', () => {
    const earlier = snapshot({ elapsedMs: 1000, ackedRecords: 100_000 });
    const now = snapshot({ elapsedMs: 3000, ackedRecords: 204_000, inFlightRecords: 18_000, lagSeconds: 3 });
    expect(formatProgress(now, earlier)).toBe('204,000 records | 52,000/s | in flight 18,000 | lag 3s | 4 shards');
  });

  it('has no rate for the first snapshot and no lag until the source knows it', () => {
    expect(formatProgress(snapshot({ heldShards: 1 }))).toBe('0 records | in flight 0 | 1 shard');
  });

  it('says when records were dead-lettered and when pulling is paused', () => {
    expect(formatProgress(snapshot({ deadLetteredRecords: 12, paused: true }))).toBe(
      '0 records | in flight 0 | 4 shards | 12 dead-lettered | PAUSED (SIGUSR2 resumes)',
    );
  });
});

describe('formatLag', () => {
  it.each([
    [0.4, '0s'],
    [59, '59s'],
    [185, '3m05s'],
    [7620, '2h07m'],
  ])('%s s -> %s', (seconds, text) => expect(formatLag(seconds)).toBe(text));
});

describe('ProgressLine', () => {
  const terminal = (columns?: number): { writes: string[]; write: (t: string) => void; columns?: number } => {
    const writes: string[] = [];
    return { writes, write: (t) => void writes.push(t), ...(columns === undefined ? {} : { columns }) };
  };

  it('rewrites one line in place, measuring the rate over the last few snapshots', () => {
    const tty = terminal();
    const line = new ProgressLine(tty);
    line.update(snapshot({ elapsedMs: 0, ackedRecords: 0 }));
    line.update(snapshot({ elapsedMs: 500, ackedRecords: 5000 }));
    expect(tty.writes).toEqual(['\r\x1b[K0 records | in flight 0 | 4 shards', '\r\x1b[K5,000 records | 10,000/s | in flight 0 | 4 shards']);
  });

  it('cuts the line to the terminal width so it never wraps', () => {
    const tty = terminal(20);
    new ProgressLine(tty).update(snapshot({ ackedRecords: 123_456_789 }));
    expect(tty.writes[0]).toBe('\r\x1b[K123,456,789 records');
  });

  it('writes log lines above the progress line and redraws it below them', () => {
    const tty = terminal();
    const line = new ProgressLine(tty);
    const logs = line.passThrough();
    logs.write('before any progress\n');
    line.update(snapshot());
    logs.write('{"msg":"hello"}\n');
    expect(tty.writes).toEqual(['before any progress\n', '\r\x1b[K0 records | in flight 0 | 4 shards', '\r\x1b[K{"msg":"hello"}\n0 records | in flight 0 | 4 shards']);
  });

  it('clears the line at exit, once', () => {
    const tty = terminal();
    const line = new ProgressLine(tty);
    line.clear();
    line.update(snapshot());
    line.clear();
    line.clear();
    expect(tty.writes.slice(1)).toEqual(['\r\x1b[K']);
  });
});
