// What each lever buys the postgres sink (dedupe off unless a variant says), measured in one run: the defaults and
// each variant in turn, round after round, so that every figure is a median of samples taken
// in the same stretches of a noisy machine's time, and each variant is read as a ratio to the
// defaults beside it. Besides records/s, the CPU each record costs sluice and the server, the
// figure noise disturbs least: on a 2-core machine that the database shares, the sum of the
// two is what bounds the rate.
//
// Run: `npm run build && node dist/bench/postgres-levers.js [variant ...]` (default: all;
// BENCH_POSTGRES_URL as for the postgres case). Not part of `npm run bench`: it takes minutes.

import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { CREATED_TYPE, tableLayout } from '../src/sinks/postgres/table-layout.js';
import { benchDatabaseUrl } from './postgres-server.js';
import { PostgresRuns, type PostgresRun, type PostgresVariant } from './postgres.js';
import { formatTable, median, writeResults, type BenchRow } from './report.js';
import { startEmulatorChild, type EmulatorChild } from './sluice-process.js';

const LOGS = 500_000;
const SHARDS = 4;
const ROUNDS = 3;

/** The table sluice would create (fields all), with `type` replacing jsonb where given; `kind` is e.g. UNLOGGED. */
function createTable(kind: string, json = 'jsonb'): string {
  const columns = tableLayout({ fields: 'all' }).map((column) => `${pg.escapeIdentifier(column.name)} ${column.kind === 'json' ? json : CREATED_TYPE[column.kind]}`);
  return `CREATE ${kind} TABLE {table} (${columns.join(', ')})`;
}

const VARIANTS: Readonly<Record<string, PostgresVariant>> = {
  defaults: {},
  'dedupe on': { sink: { dedupe: true } },
  'maxInFlight 1': { sink: { batch: { maxInFlight: 1 } } },
  'maxInFlight 3': { sink: { batch: { maxInFlight: 3 } }, pipeline: { queueCapacity: 40_000 } },
  'maxInFlight 4': { sink: { batch: { maxInFlight: 4 } }, pipeline: { queueCapacity: 50_000 } },
  'queueCapacity 40000': { pipeline: { queueCapacity: 40_000 } },
  'maxRecords 20000': { sink: { batch: { maxRecords: 20_000 } }, pipeline: { queueCapacity: 60_000 } },
  'maxRecords 50000': { sink: { batch: { maxRecords: 50_000, maxBytes: '64MiB' } }, pipeline: { queueCapacity: 150_000 } },
  'UNLOGGED table': { prepare: createTable('UNLOGGED') },
  'json, not jsonb, columns': { prepare: createTable('', 'json') },
  'synchronous_commit off': { env: { PGOPTIONS: '-c synchronous_commit=off' } },
  'semi-space 64 MB': { env: { NODE_OPTIONS: '--max-semi-space-size=64' } },
};

interface Samples {
  runs: PostgresRun[];
}

export async function benchPostgresLevers(names: readonly string[] = Object.keys(VARIANTS)): Promise<BenchRow[]> {
  const unknown = names.filter((name) => VARIANTS[name] === undefined);
  if (unknown.length > 0) throw new Error(`unknown variant(s) ${unknown.join(', ')}; known: ${Object.keys(VARIANTS).join(', ')}`);
  const wanted = names.includes('defaults') ? names : ['defaults', ...names];
  const dir = mkdtempSync(path.join(os.tmpdir(), 'sluice-bench-'));
  let runs: PostgresRuns | undefined;
  let emulator: EmulatorChild | undefined;
  try {
    runs = await PostgresRuns.open(benchDatabaseUrl(), dir);
    emulator = await startEmulatorChild(LOGS, SHARDS);
    const samples = new Map<string, Samples>(wanted.map((name) => [name, { runs: [] }]));
    for (let round = 0; round < ROUNDS; round++) {
      for (const name of wanted) {
        const { table, ...run } = await runs.run(emulator.url, LOGS, false, VARIANTS[name] as PostgresVariant);
        await runs.drop(table);
        samples.get(name)?.runs.push(run);
      }
    }
    return rows(samples);
  } finally {
    await runs?.close();
    rmSync(dir, { recursive: true, force: true });
    await emulator?.stop();
  }
}

function rows(samples: ReadonlyMap<string, Samples>): BenchRow[] {
  const rate = (runs: readonly PostgresRun[]): number => LOGS / median(runs.map((run) => run.seconds));
  const perRecord = (seconds: number[]): string => (seconds.some(Number.isNaN) ? 'n/a' : ((median(seconds) / LOGS) * 1e6).toFixed(1));
  const base = rate(samples.get('defaults')?.runs ?? []);
  const rows: BenchRow[] = [];
  for (const [name, { runs }] of samples) {
    const value = rate(runs);
    const spread = `${Math.round(LOGS / Math.max(...runs.map((run) => run.seconds)))}..${Math.round(LOGS / Math.min(...runs.map((run) => run.seconds)))}`;
    rows.push({
      name,
      value: Math.round(value),
      unit: 'records/s',
      note: `${(value / base).toFixed(2)}x defaults; CPU/record sluice ${perRecord(runs.map((run) => run.cpuSeconds))} µs, server ${perRecord(runs.map((run) => run.serverCpuSeconds))} µs; ${spread}`,
    });
  }
  return rows;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const rows = await benchPostgresLevers(process.argv.length > 2 ? process.argv.slice(2) : undefined);
  const title = `PostgreSQL sink levers, dedupe off unless named (${LOGS} nginx logs, ${SHARDS} shards, median of ${ROUNDS} rounds)`;
  console.log(`${formatTable(title, rows)}\n  -> ${writeResults('postgres-levers', { rows })}`);
}
