// How the benchmark summarises samples and reads the run's /metrics: the figures its tables
// and targets are built from.

import { describe, expect, it } from 'vitest';
import { eachPeakRss, formatTable, median, peakRss, samplesNote, spread } from '../../../bench/report.js';
import { metricTotal } from '../../../bench/stop-run.js';
import { benchScale, sizeLabel, sizes } from '../../../bench/throughput.js';

describe('spread and samplesNote', () => {
  it('give the median (the upper middle of an even count), the extremes and the count', () => {
    expect(spread([3, 1, 2])).toEqual({ median: 2, min: 1, max: 3, count: 3 });
    expect(spread([4, 1, 3, 2])).toEqual({ median: 3, min: 1, max: 4, count: 4 });
    expect(median([])).toBe(0);
  });

  it('say how many samples and how far apart, or that there was one run', () => {
    expect(samplesNote(spread([150_000, 120_000, 130_000]))).toBe('median of 3, 120,000..150,000');
    expect(samplesNote(spread([0.5, 0.25]), 2)).toBe('median of 2, 0.25..0.50');
    expect(samplesNote(spread([7]))).toBe('one run');
  });
});

describe('peakRss', () => {
  it('is the highest peak of the runs', () => {
    expect(peakRss([{ peakRssMb: 90 }, { peakRssMb: 120 }, { peakRssMb: 100 }])).toBe(120);
  });

  it("comes with every run's peak, in run order, for the note", () => {
    expect(eachPeakRss([{ peakRssMb: 90 }, { peakRssMb: 120 }, { peakRssMb: 100 }])).toBe('90, 120, 100 MB');
  });
});

describe('formatTable', () => {
  it('prints a figure that was not measured as n/a', () => {
    expect(formatTable('t', [{ name: 'postgres', value: Number.NaN, unit: 'records/s' }])).toBe('t\n  postgres  n/a records/s');
  });
});

describe('metricTotal', () => {
  const exposition = [
    '# HELP sluice_written_records_total Records durably written to the sink, per shard.',
    '# TYPE sluice_written_records_total counter',
    'sluice_written_records_total{shard="0",sink="file"} 1500',
    'sluice_written_records_total{shard="1",sink="file"} 2500',
    'sluice_commit_duration_seconds_bucket{le="0.5",sink="file"} 3',
    'sluice_commit_duration_seconds_sum{sink="file"} 0.75',
    'sluice_commit_duration_seconds_count{sink="file"} 3',
    'sluice_paused 0',
  ].join('\n');

  it('sums every label set of the metric named, and only of it', () => {
    expect(metricTotal(exposition, 'sluice_written_records_total')).toBe(4000);
    expect(metricTotal(exposition, 'sluice_commit_duration_seconds_sum')).toBe(0.75);
    expect(metricTotal(exposition, 'sluice_commit_duration_seconds_count')).toBe(3);
    expect(metricTotal(exposition, 'sluice_paused')).toBe(0);
    expect(metricTotal(exposition, 'sluice_commit_duration_seconds')).toBe(0);
  });
});

describe('BENCH_SCALE', () => {
  it('shrinks every size and names it by its count', () => {
    expect(sizes(benchScale(undefined)).map((size) => [size.label, size.logs])).toEqual([['1M', 1_000_000], ['10M', 10_000_000]]);
    expect(sizes(benchScale('0.02')).map((size) => [size.label, size.logs])).toEqual([['20k', 20_000], ['200k', 200_000]]);
    expect(sizeLabel(500)).toBe('500');
  });

  it('refuses a value that is not a fraction up to 1, saying what to give', () => {
    for (const value of ['0', '2', 'abc', '-0.1']) expect(() => benchScale(value)).toThrow(/BENCH_SCALE=.*give a number above 0 and at most 1/);
  });
});
