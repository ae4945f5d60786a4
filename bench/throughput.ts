// The benchmark, `npm run bench`: an emulator in its own process serving 1M, then 10M,
// pre-generated nginx logs (~500 B, 12 fields each) over 4 shards with lz4 bodies, and in
// rounds on the same bytes: the two single-thread ceilings (ceilings.ts), then `sluice run
// --until end` into each sink (records/s, CPU, peak RSS), each followed at 1M by a daemon run
// stopped with SIGTERM at full speed (stop-run.ts). Rounds interleave every case, so the
// noise of a shared machine falls on all of them alike; each figure is a median of rounds.
//
// BENCH_SCALE shrinks every size (e.g. 0.01: 10k and 100k logs) for a quick look.

import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { decodeCeiling, ndjsonCeiling, pullCeilingData } from './ceilings.js';
import { openPostgresRuns, type PostgresRuns } from './postgres.js';
import type { BenchRow } from './report.js';
import { expectLines, runSluice, startEmulatorChild, type RunFigures } from './sluice-process.js';
import { stopAtFullSpeed, type StopFigures } from './stop-run.js';
import { throughputReport, type CaseSamples, type SizeSamples } from './throughput-report.js';

const SHARDS = 4;
/** Logs the ceilings decode per pass (from the start of every shard), at scale 1. */
const CEILING_LOGS = 250_000;
/** The stop run signals once this share of the logs is written: every stage is busy by then, and most logs are still to come. */
const STOP_AT = 0.2;

export const SINK_CASES = ['null', 'file', 'postgres-off', 'postgres-on'] as const;
export type SinkCase = (typeof SINK_CASES)[number];

export interface Size {
  label: string;
  logs: number;
  rounds: number;
  /** Sinks run at this size (besides those not asked for). */
  sinks: readonly SinkCase[];
  /** Whether each sink's full run is followed by a stop run. */
  stopRuns: boolean;
}

/**
 * 1M: every sink, 3 rounds, with stop runs. 10M: the sinks whose memory must stay flat at
 * 10x the data and that finish in about a minute, 2 rounds: the postgres sink would take
 * 5 minutes a run on this machine, keeping the whole benchmark within 9 to 12 minutes.
 */
export function sizes(scale: number): Size[] {
  const size = (logs: number): { label: string; logs: number } => ({ label: sizeLabel(logs), logs });
  return [
    { ...size(Math.round(1_000_000 * scale)), rounds: 3, sinks: SINK_CASES, stopRuns: true },
    { ...size(Math.round(10_000_000 * scale)), rounds: 2, sinks: ['null', 'file'], stopRuns: false },
  ];
}

/** `1M`, `10M`, `20k`, `500`: how tables name a size. */
export function sizeLabel(logs: number): string {
  if (logs >= 1_000_000) return `${logs / 1_000_000}M`;
  if (logs >= 1_000) return `${logs / 1_000}k`;
  return String(logs);
}

/** BENCH_SCALE, default 1. */
export function benchScale(value = process.env.BENCH_SCALE): number {
  if (value === undefined || value === '') return 1;
  const scale = Number(value);
  if (!(scale > 0 && scale <= 1)) throw new Error(`BENCH_SCALE=${value}: give a number above 0 and at most 1 (e.g. 0.01 for 10k and 100k logs)`);
  return scale;
}

/** What a sink case runs into: its flags, and what checks and removes the output after. */
interface SinkOutput {
  flags: string[];
  expect(logs: number): Promise<void>;
  remove(): Promise<void>;
}

export interface ThroughputOutcome {
  cases: Record<string, BenchRow[]>;
  targets: BenchRow[];
}

/** Runs the benchmark for `wanted` sinks (default all); the ceilings always run. */
export async function benchThroughput(wanted: readonly SinkCase[] = SINK_CASES): Promise<ThroughputOutcome> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'sluice-bench-'));
  let postgres: PostgresRuns | undefined;
  try {
    const needsPostgres = wanted.some((sink) => sink.startsWith('postgres'));
    postgres = needsPostgres ? await openPostgresRuns(dir, 'the postgres sink cases') : undefined;
    const runnable = wanted.filter((sink) => !sink.startsWith('postgres') || postgres !== undefined);
    const outputs = sinkOutputs(dir, postgres);
    const scale = benchScale();
    const measured: SizeSamples[] = [];
    for (const size of sizes(scale)) {
      const sinks = size.sinks.filter((sink) => runnable.includes(sink));
      measured.push(await measureSize(size, sinks, dir, outputs, Math.max(1, Math.round(CEILING_LOGS * scale))));
    }
    return throughputReport(measured, { postgresSkipped: needsPostgres && postgres === undefined });
  } finally {
    await postgres?.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function measureSize(size: Size, sinks: readonly SinkCase[], dir: string, outputs: (sink: SinkCase) => Promise<SinkOutput>, ceilingLogs: number): Promise<SizeSamples> {
  const generating = performance.now();
  const emulator = await startEmulatorChild(size.logs, SHARDS);
  const ready = (performance.now() - generating) / 1000;
  console.error(`bench ${size.label}: ${size.logs} logs generated and compressed in ${ready.toFixed(0)} s; ${size.rounds} rounds of ${['ceilings', ...sinks].join(', ')}`);
  try {
    const data = await pullCeilingData(emulator.port, SHARDS, Math.min(ceilingLogs, size.logs));
    const samples: SizeSamples = { size, ceilingLogs: data.logs, decode: [], ndjson: [], sinks: new Map<SinkCase, CaseSamples>(sinks.map((sink) => [sink, { runs: [], stops: [] }])) };
    for (let round = 0; round < size.rounds; round++) {
      samples.decode.push(decodeCeiling(data));
      samples.ndjson.push(ndjsonCeiling(data));
      for (const sink of sinks) {
        const taken = samples.sinks.get(sink) as CaseSamples;
        taken.runs.push(await fullRun(emulator.url, dir, size.logs, await outputs(sink)));
        if (size.stopRuns) taken.stops.push(await stopRun(emulator.url, dir, Math.round(size.logs * STOP_AT), await outputs(sink)));
        console.error(`bench ${size.label} round ${round + 1}/${size.rounds}: ${sink} done`);
      }
    }
    return samples;
  } finally {
    await emulator.stop();
  }
}

async function fullRun(url: string, dir: string, logs: number, output: SinkOutput): Promise<RunFigures> {
  try {
    const figures = await runSluice(url, dir, output.flags);
    await output.expect(logs);
    return figures;
  } finally {
    await output.remove();
  }
}

async function stopRun(url: string, dir: string, atRecords: number, output: SinkOutput): Promise<StopFigures> {
  try {
    return await stopAtFullSpeed(url, dir, output.flags, atRecords);
  } finally {
    await output.remove();
  }
}

/** Each sink case's output, made fresh for every run. */
function sinkOutputs(dir: string, postgres: PostgresRuns | undefined): (sink: SinkCase) => Promise<SinkOutput> {
  return async (sink) => {
    if (sink === 'null') return { flags: ['--sink', 'null'], expect: async () => undefined, remove: async () => undefined };
    if (sink === 'file') {
      const file = path.join(dir, 'requests.ndjson');
      return { flags: ['--sink', 'file', '--output', file], expect: async (logs) => expectLines(file, logs), remove: async () => rmSync(file, { force: true }) };
    }
    if (postgres === undefined) throw new Error(`the ${sink} case needs PostgreSQL`);
    const { table, flags } = await postgres.configure(sink === 'postgres-on');
    return { flags, expect: (logs) => postgres.expectRows(table, logs), remove: () => postgres.drop(table) };
  };
}

