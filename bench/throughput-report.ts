// The throughput benchmark's figures as tables: one per case (the ceilings, each sink) and
// the targets with their verdicts. Ratios to a ceiling are taken round by round (a
// run against the ceiling measured in the same stretch of time), then their median.

import { eachPeakRss, peakRss, samplesNote, spread, type BenchRow, type Spread } from './report.js';
import type { RunFigures } from './sluice-process.js';
import type { StopFigures } from './stop-run.js';
import { targetRows, type Target } from './targets.js';
import type { SinkCase, Size } from './throughput.js';

export interface CaseSamples {
  runs: RunFigures[];
  stops: StopFigures[];
}

export interface SizeSamples {
  size: Size;
  /** Logs the ceilings decoded per pass. */
  ceilingLogs: number;
  /** Records/s of ceiling (a) and (b), one sample a round. */
  decode: number[];
  ndjson: number[];
  sinks: Map<SinkCase, CaseSamples>;
}

const SINK_TITLES: Record<SinkCase, string> = {
  null: 'null sink',
  file: 'file sink',
  'postgres-off': 'postgres sink, dedupe off',
  'postgres-on': 'postgres sink, dedupe on',
};

export const TARGETS = { nullToDecode: 1.0, fileToDecode: 0.75, postgresOff: 200_000, peakRssMb: 150, rssFlatness: 1.1, stopSeconds: 1 };

export function throughputReport(sizes: readonly SizeSamples[], options: { postgresSkipped: boolean }): { cases: Record<string, BenchRow[]>; targets: BenchRow[] } {
  const cases: Record<string, BenchRow[]> = { ceilings: sizes.flatMap(ceilingRows) };
  for (const sink of Object.keys(SINK_TITLES) as SinkCase[]) {
    const rows = sinkRows(sink, sizes);
    if (rows.length > 0) cases[SINK_TITLES[sink]] = rows;
  }
  return { cases, targets: targetRows(targets(sizes, options)) };
}

function ceilingRows({ size, ceilingLogs, decode, ndjson }: SizeSamples): BenchRow[] {
  const note = (samples: number[]): string =>
    `one thread, ${ceilingLogs.toLocaleString('en-US')} logs of the ${size.label} data in memory; ${samplesNote(spread(samples))} (a round: the median of 3 passes)`;
  return [
    { name: `(a) lz4 + decode to records, ${size.label}`, value: Math.round(spread(decode).median), unit: 'records/s', note: note(decode) },
    { name: `(b) lz4 + decode + NDJSON, ${size.label}`, value: Math.round(spread(ndjson).median), unit: 'records/s', note: note(ndjson) },
  ];
}

function sinkRows(sink: SinkCase, sizes: readonly SizeSamples[]): BenchRow[] {
  const rows: BenchRow[] = [];
  const peaks: number[] = [];
  for (const samples of sizes) {
    const taken = samples.sinks.get(sink);
    if (taken === undefined || taken.runs.length === 0) continue;
    const { size } = samples;
    const rates = taken.runs.map((run) => size.logs / run.seconds);
    const cpu = spread(taken.runs.map((run) => run.cpuSeconds));
    const peak = peakRss(taken.runs);
    peaks.push(peak);
    rows.push(
      { name: `records/s, ${size.label}`, value: Math.round(spread(rates).median), unit: 'records/s', note: `${size.logs.toLocaleString('en-US')} logs, ${samplesNote(spread(rates))}` },
      { name: `CPU, ${size.label}`, value: round2(cpu.median), unit: 's', note: `user + system of the sluice process, ${((cpu.median / size.logs) * 1e6).toFixed(1)} µs a record` },
      { name: `peak RSS, ${size.label}`, value: peak, unit: 'MB', note: `VmHWM, the highest of ${taken.runs.length} (each round: ${eachPeakRss(taken.runs)})` },
    );
    const toDecode = ratios(rates, samples.decode);
    rows.push({ name: `/ ceiling (a), ${size.label}`, value: round2(toDecode.median), unit: 'x', note: `round by round, ${samplesNote(toDecode, 2)}` });
    if (sink === 'file') {
      const toNdjson = ratios(rates, samples.ndjson);
      rows.push({ name: `/ ceiling (b), ${size.label}`, value: round2(toNdjson.median), unit: 'x', note: `round by round, ${samplesNote(toNdjson, 2)}` });
    }
    if (taken.stops.length > 0) rows.push(stopRow(`SIGTERM -> exit, ${size.label}`, taken.stops));
  }
  if (peaks.length === 2) rows.push({ name: `peak RSS ${sizes[1]?.size.label} / ${sizes[0]?.size.label}`, value: round2((peaks[1] as number) / (peaks[0] as number)), unit: 'x', note: `target <= ${TARGETS.rssFlatness}` });
  return rows;
}

function stopRow(name: string, stops: readonly StopFigures[]): BenchRow {
  const seconds = spread(stops.map((stop) => stop.seconds));
  const flush = flushOf(stops);
  return { name, value: round2(seconds.median), unit: 's', note: `${samplesNote(seconds, 2)}; one flush: ${Math.round(flush.records).toLocaleString('en-US')} records in ${flush.seconds.toFixed(2)} s (mean commit before the signal)` };
}

function flushOf(stops: readonly StopFigures[]): { seconds: number; records: number } {
  return { seconds: spread(stops.map((stop) => stop.flushSeconds)).median, records: spread(stops.map((stop) => stop.flushRecords)).median };
}

function targets(sizes: readonly SizeSamples[], options: { postgresSkipped: boolean }): Target[] {
  const [small, large] = sizes;
  const ratio = (sink: SinkCase): number => {
    const taken = small?.sinks.get(sink);
    return taken === undefined || taken.runs.length === 0 ? Number.NaN : ratios(taken.runs.map((run) => (small as SizeSamples).size.logs / run.seconds), small?.decode ?? []).median;
  };
  const label = small?.size.label ?? '';
  const list: Target[] = [
    { name: `null sink / ceiling (a), ${label}`, measured: round2(ratio('null')), unit: 'x', comparison: '>=', bound: TARGETS.nullToDecode },
    { name: `file sink / ceiling (a), ${label}`, measured: round2(ratio('file')), unit: 'x', comparison: '>=', bound: TARGETS.fileToDecode },
    postgresTarget(small, options.postgresSkipped),
  ];
  const peaks = [...(small?.sinks ?? []), ...(large?.sinks ?? [])].flatMap(([, taken]) => taken.runs.map((run) => run.peakRssMb));
  list.push({ name: 'peak RSS, every run', measured: peaks.length === 0 ? Number.NaN : Math.max(...peaks), unit: 'MB', comparison: '<=', bound: TARGETS.peakRssMb, note: 'defaults' });
  for (const [sink, taken] of large?.sinks ?? []) {
    const before = small?.sinks.get(sink);
    if (before === undefined || before.runs.length === 0 || taken.runs.length === 0) continue;
    const flat = peakRss(taken.runs) / peakRss(before.runs);
    list.push({ name: `peak RSS ${large?.size.label} / ${label}, ${SINK_TITLES[sink]}`, measured: round2(flat), unit: 'x', comparison: '<=', bound: TARGETS.rssFlatness });
  }
  for (const [sink, taken] of small?.sinks ?? []) {
    if (taken.stops.length === 0) continue;
    const flush = flushOf(taken.stops);
    const seconds = spread(taken.stops.map((stop) => stop.seconds)).median;
    list.push({ name: `SIGTERM -> exit, ${SINK_TITLES[sink]}`, measured: round2(seconds), unit: 's', comparison: '<=', bound: round2(TARGETS.stopSeconds + flush.seconds), note: `1 s + one flush (${flush.seconds.toFixed(2)} s)` });
  }
  return list;
}

function postgresTarget(small: SizeSamples | undefined, skipped: boolean): Target {
  const target = { name: 'postgres sink, dedupe off', unit: 'records/s', comparison: '>=' as const, bound: TARGETS.postgresOff };
  const runs = small?.sinks.get('postgres-off')?.runs ?? [];
  if (small === undefined || runs.length === 0) return { ...target, measured: Number.NaN, note: skipped ? 'PostgreSQL could not be reached' : 'not run' };
  return { ...target, measured: Math.round(spread(runs.map((run) => small.size.logs / run.seconds)).median) };
}

/** values[i] / against[i], round by round. */
function ratios(values: readonly number[], against: readonly number[]): Spread {
  return spread(values.map((value, i) => value / (against[i] ?? Number.NaN)));
}

function round2(value: number): number {
  return Math.round(value * 100) / 100;
}
