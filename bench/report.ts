// How benchmarks report: rows of named figures, printed as a table and kept as JSON in
// bench/results/<name>-<timestamp>.json so runs can be compared over time.

import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';

export interface BenchRow {
  name: string;
  value: number;
  unit: string;
  note?: string;
}

/** bench/results/ of the repository, whether this runs from bench/ or dist/bench/. */
const RESULTS_DIR = fileURLToPath(new URL(import.meta.url.includes('/dist/bench/') ? '../../bench/results/' : './results/', import.meta.url));

/** The rows as an aligned text table under a title. */
export function formatTable(title: string, rows: readonly BenchRow[]): string {
  const cells = rows.map((row) => [row.name, formatValue(row.value), row.unit, row.note ?? '']);
  const widths = [0, 1, 2].map((column) => Math.max(...cells.map((cell) => (cell[column] as string).length)));
  const lines = cells.map(([name, value, unit, note]) =>
    `  ${(name as string).padEnd(widths[0] as number)}  ${(value as string).padStart(widths[1] as number)} ${(unit as string).padEnd(widths[2] as number)}  ${note}`.trimEnd(),
  );
  return [`${title}`, ...lines].join('\n');
}

/** Writes the figures (e.g. `{ rows }`) with the machine's description; returns the file's path. */
export function writeResults(name: string, figures: Record<string, unknown>, now: Date = new Date()): string {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const path = `${RESULTS_DIR}${name}-${now.toISOString().replace(/[:.]/g, '-')}.json`;
  const machine = { node: process.version, platform: `${process.platform}-${process.arch}`, cpus: os.cpus().length, cpu: os.cpus()[0]?.model ?? 'unknown' };
  writeFileSync(path, `${JSON.stringify({ name, date: now.toISOString(), machine, ...figures }, null, 2)}\n`);
  return path;
}

/** The middle value (the upper middle of an even count); 0 for none. Benchmarks report medians of runs. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

/** The median of samples, their extremes and how many there were. */
export interface Spread {
  median: number;
  min: number;
  max: number;
  count: number;
}

export function spread(values: readonly number[]): Spread {
  return { median: median(values), min: values.length === 0 ? 0 : Math.min(...values), max: values.length === 0 ? 0 : Math.max(...values), count: values.length };
}

/** `median of 3, 120,000..150,000`: how a row's note tells how many samples and how far apart. */
export function samplesNote(samples: Spread, digits = 0): string {
  const text = (value: number): string => (digits === 0 ? Math.round(value).toLocaleString('en-US') : value.toFixed(digits));
  return samples.count === 1 ? 'one run' : `median of ${samples.count}, ${text(samples.min)}..${text(samples.max)}`;
}

/** The highest peak RSS of the runs, in MB. */
export function peakRss(runs: readonly { peakRssMb: number }[]): number {
  return Math.max(...runs.map((run) => run.peakRssMb));
}

/** Each run's peak RSS, for a row's note: `101, 98, 100 MB` (an outlier told from a steady peak). */
export function eachPeakRss(runs: readonly { peakRssMb: number }[]): string {
  return `${runs.map((run) => run.peakRssMb).join(', ')} MB`;
}

/** Median seconds of `runs` timed runs of `work`, after one warm-up run. */
export function medianSeconds(runs: number, work: () => void): number {
  work();
  return median(Array.from({ length: runs }, () => timeOnce(work)));
}

/** Seconds one run of `work` takes. */
export function timeOnce(work: () => void): number {
  const started = performance.now();
  work();
  return (performance.now() - started) / 1000;
}

function formatValue(value: number): string {
  if (Number.isNaN(value)) return 'n/a';
  if (Number.isInteger(value)) return value.toLocaleString('en-US');
  return value >= 100 ? value.toFixed(0) : value >= 10 ? value.toFixed(1) : value.toFixed(2);
}
