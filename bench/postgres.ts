// End to end into PostgreSQL: the emulator in a child process with pre-generated nginx logs (as
// in the 1M-log throughput benchmark, fewer of them: see LOGS), and `sluice run --until end`
// into the file sink, the postgres sink with dedupe off and with dedupe on (a fresh table each
// run, in a schema of the benchmark's own, dropped after), in rounds; each figure is the
// median of the rounds. The ceiling beside them is the server's own COPY speed from rows
// encoded ahead (the dedupe-off table dumped in COPY text format, copied back on as many
// connections as the sink uses): what no client can beat on this machine. CPU per record, of
// sluice and of the server, is the figure that noise on a shared machine disturbs least.
//
// The target (TARGETS.postgresOff): the postgres sink with dedupe off keeps up with >= 200k
// records/s. Skipped, saying why, when PostgreSQL cannot be reached (BENCH_POSTGRES_URL, or the
// test database at PGHOST/PGPORT, default 127.0.0.1:5432/test).

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { stringify } from 'yaml';
import { postgresSinkConfig } from '../src/sinks/postgres/config.js';
import { maskedUrl } from '../src/sinks/postgres/connection-target.js';
import { benchDatabaseUrl, copyRanges, dumpRows, ServerCpu, type RowRange } from './postgres-server.js';
import { eachPeakRss, median, peakRss, samplesNote, spread, type BenchRow, type Spread } from './report.js';
import { runIntoFile, runSluice, startEmulatorChild, type EmulatorChild, type RunFigures } from './sluice-process.js';
import { TARGETS } from './throughput-report.js';

/** Half the 1M-log throughput benchmark's million: three rounds of four runs stay near two minutes on a loaded 2-core machine. */
const LOGS = 500_000;
const SHARDS = 4;
const ROUNDS = 3;
/** The sink's default sink.batch.maxInFlight: its connections, and the ceiling's. */
const CONNECTIONS = postgresSinkConfig.parse({ type: 'postgres' }).batch.maxInFlight;

/** How a postgres run differs from the defaults: sink and pipeline keys, the environment, the table made ahead. */
export interface PostgresVariant {
  sink?: Record<string, unknown>;
  pipeline?: Record<string, unknown>;
  env?: NodeJS.ProcessEnv;
  /** SQL run before sluice starts, `{table}` replaced by the quoted table name (e.g. an UNLOGGED CREATE TABLE). */
  prepare?: string;
}

export interface PostgresRun extends RunFigures {
  /** CPU the server used meanwhile; NaN where it cannot be read. */
  serverCpuSeconds: number;
}

/** Runs sluice into fresh tables of a schema of its own; close() drops the schema. */
export class PostgresRuns {
  readonly url: string;
  readonly schema: string;
  readonly #dir: string;
  readonly #client: pg.Client;
  readonly #server: ServerCpu | undefined;
  #tables = 0;

  private constructor(url: string, dir: string, client: pg.Client, server: ServerCpu | undefined) {
    this.url = url;
    this.schema = `sluice_bench_${process.pid}`;
    this.#dir = dir;
    this.#client = client;
    this.#server = server;
  }

  /** Connects and creates the schema; throws when the database cannot be reached or used. Sluice's config files go to `dir`. */
  static async open(url: string, dir: string): Promise<PostgresRuns> {
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
    try {
      await client.connect();
      const runs = new PostgresRuns(url, dir, client, await ServerCpu.of(client));
      await client.query(`DROP SCHEMA IF EXISTS ${runs.#quotedSchema} CASCADE; CREATE SCHEMA ${runs.#quotedSchema}`);
      return runs;
    } catch (error) {
      await client.end().catch(() => undefined);
      throw error;
    }
  }

  /** `"schema"."name"`. */
  table(name: string): string {
    return `${this.#quotedSchema}.${pg.escapeIdentifier(name)}`;
  }

  /** One `sluice run` from `emulatorUrl` into a new table; throws unless the table then holds `logs` rows. The table is kept: drop() it. */
  async run(emulatorUrl: string, logs: number, dedupe: boolean, variant: PostgresVariant = {}): Promise<PostgresRun & { table: string }> {
    const { table, flags } = await this.configure(dedupe, variant);
    const before = this.#serverSeconds();
    const figures = await runSluice(emulatorUrl, this.#dir, flags, variant.env);
    const serverCpuSeconds = this.#serverSeconds() - before;
    await this.expectRows(table, logs);
    return { ...figures, serverCpuSeconds, table };
  }

  /** A new table (prepared as `variant` says) and the flags of a sluice run into it. */
  async configure(dedupe: boolean, variant: PostgresVariant = {}): Promise<{ table: string; flags: string[] }> {
    const name = `run_${++this.#tables}`;
    const table = this.table(name);
    if (variant.prepare !== undefined) await this.#client.query(variant.prepare.replaceAll('{table}', table));
    const config = path.join(this.#dir, `${name}.yaml`);
    writeFileSync(config, stringify({ sink: { type: 'postgres', url: this.url, schema: this.schema, table: name, dedupe, ...variant.sink }, ...(variant.pipeline === undefined ? {} : { pipeline: variant.pipeline }) }));
    return { table, flags: ['--config', config] };
  }

  /** Throws unless `table` holds `logs` rows. */
  async expectRows(table: string, logs: number): Promise<void> {
    const { rows } = await this.#client.query<{ count: string }>(`SELECT count(*) FROM ${table}`);
    if (Number(rows[0]?.count) !== logs) throw new Error(`${table} holds ${rows[0]?.count} rows, not the ${logs} logs generated`);
  }

  /** The server's COPY of rows encoded ahead into a new table like `template`: seconds and server CPU. */
  async copy(template: string, file: string, ranges: readonly RowRange[]): Promise<{ seconds: number; serverCpuSeconds: number }> {
    const table = this.table(`copy_${++this.#tables}`);
    await this.#client.query(`CREATE TABLE ${table} (LIKE ${template})`);
    const before = this.#serverSeconds();
    const seconds = await copyRanges(this.url, table, file, ranges);
    const serverCpuSeconds = this.#serverSeconds() - before;
    await this.drop(table);
    return { seconds, serverCpuSeconds };
  }

  dump(table: string, file: string, parts: number): Promise<RowRange[]> {
    return dumpRows(this.#client, table, file, parts);
  }

  query(sql: string): Promise<unknown> {
    return this.#client.query(sql);
  }

  async drop(table: string): Promise<void> {
    await this.#client.query(`DROP TABLE IF EXISTS ${table}`);
  }

  async close(): Promise<void> {
    try {
      await this.#client.query(`DROP SCHEMA IF EXISTS ${this.#quotedSchema} CASCADE`);
    } finally {
      await this.#client.end();
    }
  }

  get #quotedSchema(): string {
    return pg.escapeIdentifier(this.schema);
  }

  #serverSeconds(): number {
    return this.#server === undefined ? Number.NaN : this.#server.seconds();
  }
}

/** PostgresRuns on the benchmark's database; undefined, having said why `what` is skipped, when it cannot be used. */
export async function openPostgresRuns(dir: string, what: string): Promise<PostgresRuns | undefined> {
  const url = benchDatabaseUrl();
  try {
    return await PostgresRuns.open(url, dir);
  } catch (error) {
    console.error(`${what} skipped: cannot use PostgreSQL at ${maskedUrl(url)} (${(error as Error).message}); start it, or set BENCH_POSTGRES_URL (or PGHOST/PGPORT/PGUSER)`);
    return undefined;
  }
}

export async function benchPostgres(): Promise<BenchRow[]> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'sluice-bench-'));
  let runs: PostgresRuns | undefined;
  let emulator: EmulatorChild | undefined;
  try {
    runs = await openPostgresRuns(dir, 'postgres-vs-copy case');
    if (runs === undefined) return [];
    emulator = await startEmulatorChild(LOGS, SHARDS);
    const files: RunFigures[] = [];
    const plain: PostgresRun[] = [];
    const deduped: PostgresRun[] = [];
    const copies: { seconds: number; serverCpuSeconds: number }[] = [];
    const dump = path.join(dir, 'rows.copy');
    const template = runs.table('template');
    let ranges: RowRange[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      files.push(await runIntoFile(emulator.url, dir, LOGS));
      const { table, ...off } = await runs.run(emulator.url, LOGS, false);
      plain.push(off);
      if (round === 0) {
        ranges = await runs.dump(table, dump, CONNECTIONS);
        await runs.query(`CREATE TABLE ${template} (LIKE ${table})`);
      }
      await runs.drop(table);
      const on = await runs.run(emulator.url, LOGS, true);
      await runs.drop(on.table);
      deduped.push(on);
      copies.push(await runs.copy(template, dump, ranges));
    }
    return rows(files, plain, deduped, copies);
  } finally {
    await runs?.close();
    rmSync(dir, { recursive: true, force: true });
    await emulator?.stop();
  }
}

function rows(files: RunFigures[], plain: PostgresRun[], deduped: PostgresRun[], copies: { seconds: number; serverCpuSeconds: number }[]): BenchRow[] {
  const rates = (runs: readonly RunFigures[]): Spread => spread(runs.map((run) => LOGS / run.seconds));
  const [file, off, on] = [rates(files), rates(plain), rates(deduped)];
  const ceiling = LOGS / median(copies.map((copy) => copy.seconds));
  /** Median CPU microseconds per record. */
  const perRecord = (seconds: number[]): number => Math.round((median(seconds) / LOGS) * 1e7) / 10;
  const rows: BenchRow[] = [
    { name: 'ceiling: server COPY of rows encoded ahead', value: Math.round(ceiling), unit: 'records/s', note: `${CONNECTIONS} connections, one COPY each (the dedupe-off table dumped); median of ${ROUNDS}` },
    { name: 'sluice run -> file sink', value: Math.round(file.median), unit: 'records/s', note: `${LOGS} nginx logs (half the 1M-log throughput benchmark, to keep this case near 2 minutes), ${SHARDS} shards; ${samplesNote(file)}` },
    { name: 'sluice run -> postgres, dedupe off', value: Math.round(off.median), unit: 'records/s', note: `defaults (maxInFlight ${CONNECTIONS}); ${samplesNote(off)}; target >= ${TARGETS.postgresOff.toLocaleString('en-US')}` },
    { name: 'sluice run -> postgres, dedupe on', value: Math.round(on.median), unit: 'records/s', note: samplesNote(on) },
    { name: 'postgres dedupe off / file', value: off.median / file.median, unit: 'x' },
    { name: 'postgres dedupe on / file', value: on.median / file.median, unit: 'x' },
    { name: 'postgres dedupe off / COPY ceiling', value: off.median / ceiling, unit: 'x' },
    { name: 'CPU per record: sluice, file sink', value: perRecord(files.map((run) => run.cpuSeconds)), unit: 'µs', note: 'user + system of the sluice process, median' },
    { name: 'CPU per record: sluice, postgres dedupe off', value: perRecord(plain.map((run) => run.cpuSeconds)), unit: 'µs' },
    { name: 'CPU per record: sluice, postgres dedupe on', value: perRecord(deduped.map((run) => run.cpuSeconds)), unit: 'µs' },
  ];
  if (!plain.some((run) => Number.isNaN(run.serverCpuSeconds))) {
    rows.push(
      { name: 'CPU per record: server, dedupe off', value: perRecord(plain.map((run) => run.serverCpuSeconds)), unit: 'µs', note: 'every PostgreSQL process, WAL writer and checkpointer included' },
      { name: 'CPU per record: server, dedupe on', value: perRecord(deduped.map((run) => run.serverCpuSeconds)), unit: 'µs' },
      { name: 'CPU per record: server, COPY ceiling', value: perRecord(copies.map((copy) => copy.serverCpuSeconds)), unit: 'µs' },
    );
  }
  const postgresRuns = [...plain, ...deduped];
  rows.push({ name: 'peak RSS, postgres runs', value: peakRss(postgresRuns), unit: 'MB', note: `VmHWM of the sluice process, highest of the runs (each: ${eachPeakRss(postgresRuns)})` });
  return rows;
}
