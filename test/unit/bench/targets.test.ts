// The benchmark's verdicts on the targets, from the samples of a run: ratios taken
// round by round, the peak RSS bound and its flatness, the SIGTERM bound of one second plus
// one flush, and targets that could not be measured.

import { describe, expect, it } from 'vitest';
import type { RunFigures } from '../../../bench/sluice-process.js';
import type { StopFigures } from '../../../bench/stop-run.js';
import { verdict } from '../../../bench/targets.js';
import { throughputReport, type SizeSamples } from '../../../bench/throughput-report.js';
import type { SinkCase } from '../../../bench/throughput.js';

const run = (seconds: number, peakRssMb: number): RunFigures => ({ seconds, peakRssMb, cpuSeconds: seconds });
const stop = (seconds: number, flushSeconds: number): StopFigures => ({ seconds, flushSeconds, flushRecords: 10_000 });

function size(label: string, logs: number, decode: number[], sinks: Array<[SinkCase, RunFigures[], StopFigures[]]>): SizeSamples {
  return {
    size: { label, logs, rounds: decode.length, sinks: sinks.map(([sink]) => sink), stopRuns: true },
    ceilingLogs: 1000,
    decode,
    ndjson: decode,
    sinks: new Map(sinks.map(([sink, runs, stops]) => [sink, { runs, stops }])),
  };
}

/** The verdict of the target row named `name`, read back from its note. */
function verdictOf(rows: ReturnType<typeof throughputReport>['targets'], name: string): string | undefined {
  return /: (MET|MISSED|NOT MEASURED)/.exec(rows.find((row) => row.name === name)?.note ?? '')?.[1];
}

describe('verdict', () => {
  it('compares with the bound in the target\'s direction; a figure not measured is neither met nor missed', () => {
    expect(verdict({ name: 'x', measured: 1, unit: 'x', comparison: '>=', bound: 1 })).toBe('met');
    expect(verdict({ name: 'x', measured: 0.99, unit: 'x', comparison: '>=', bound: 1 })).toBe('missed');
    expect(verdict({ name: 'x', measured: 151, unit: 'MB', comparison: '<=', bound: 150 })).toBe('missed');
    expect(verdict({ name: 'x', measured: Number.NaN, unit: 'MB', comparison: '<=', bound: 150 })).toBe('not measured');
  });
});

describe('throughputReport targets', () => {
  // 1000 logs; the ceiling differs round by round, and so do the runs, in step with it.
  const small = size('1k', 1000, [1000, 2000, 500], [
    ['null', [run(0.5, 100), run(0.25, 110), run(1, 105)], [stop(0.4, 0.1), stop(0.6, 0.1), stop(0.5, 0.1)]],
    ['file', [run(2, 120), run(1, 120), run(4, 120)], [stop(1.3, 0.2), stop(1.1, 0.2), stop(1.2, 0.2)]],
  ]);
  const large = size('10k', 10_000, [1000], [
    ['null', [run(5, 115)], []],
    ['file', [run(20, 160)], []],
  ]);

  it('takes each ratio to the ceiling round by round', () => {
    const { cases, targets } = throughputReport([small, large], { postgresSkipped: false });
    expect(targets.find((row) => row.name === 'null sink / ceiling (a), 1k')?.value).toBe(2);
    expect(targets.find((row) => row.name === 'file sink / ceiling (a), 1k')?.value).toBe(0.5);
    expect(verdictOf(targets, 'null sink / ceiling (a), 1k')).toBe('MET');
    expect(verdictOf(targets, 'file sink / ceiling (a), 1k')).toBe('MISSED');
    expect(cases['file sink']?.find((row) => row.name === '/ ceiling (b), 1k')?.value).toBe(0.5);
  });

  it('bounds the highest peak RSS of every run, and its growth from the small size to the large one per sink', () => {
    const { targets } = throughputReport([small, large], { postgresSkipped: false });
    expect(targets.find((row) => row.name === 'peak RSS, every run')).toMatchObject({ value: 160 });
    expect(verdictOf(targets, 'peak RSS, every run')).toBe('MISSED');
    expect(targets.find((row) => row.name === 'peak RSS 10k / 1k, null sink')?.value).toBe(1.05);
    expect(verdictOf(targets, 'peak RSS 10k / 1k, null sink')).toBe('MET');
    expect(targets.find((row) => row.name === 'peak RSS 10k / 1k, file sink')?.value).toBe(1.33);
    expect(verdictOf(targets, 'peak RSS 10k / 1k, file sink')).toBe('MISSED');
  });

  it('allows SIGTERM to exit one second plus the sink\'s own flush', () => {
    const { targets } = throughputReport([small, large], { postgresSkipped: false });
    expect(targets.find((row) => row.name === 'SIGTERM -> exit, null sink')).toMatchObject({ value: 0.5 });
    expect(verdictOf(targets, 'SIGTERM -> exit, null sink')).toBe('MET');
    expect(targets.find((row) => row.name === 'SIGTERM -> exit, file sink')?.note).toMatch(/target <= 1\.20: MET.*one flush \(0\.20 s\)/);
  });

  it('says when the postgres target could not be measured, and why', () => {
    const skipped = throughputReport([small, large], { postgresSkipped: true }).targets.find((row) => row.name === 'postgres sink, dedupe off');
    expect(skipped?.value).toBeNaN();
    expect(skipped?.note).toMatch(/NOT MEASURED; PostgreSQL could not be reached/);
  });
});
