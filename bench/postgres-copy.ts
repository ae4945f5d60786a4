// PostgreSQL COPY, text format (what the sink writes) against binary format, on the same 200k
// generated nginx records and the same created table (fields `all`), and the sink's own
// throughput with dedupe off and on. Decided the sink's format: see copy-text.ts.
//
// The binary encoder lives here only, as the measured alternative: timestamps as microseconds
// since 2000-01-01, integers as int4, jsonb as version 1 + JSON text, text as UTF-8.
//
// Run: `npm run build && node dist/bench/postgres-copy.js [postgres://...]` (default:
// BENCH_POSTGRES_URL, else the test database, as for the postgres case). It works in a schema
// of its own and drops it.

import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import pino from 'pino';
import type { RequestRecord } from '../src/parse/request-record.js';
import { postgresSinkConfig } from '../src/sinks/postgres/config.js';
import { CopyTextEncoder } from '../src/sinks/postgres/copy-text.js';
import { encodingOf } from '../src/sinks/postgres/existing-table.js';
import { PostgresSink } from '../src/sinks/postgres/sink.js';
import { CREATED_TYPE, tableLayout, type LayoutColumn } from '../src/sinks/postgres/table-layout.js';
import { benchDatabaseUrl } from './postgres-server.js';
import { median, type BenchRow } from './report.js';
import { generatedRecords } from './request-records.js';

const RECORDS = 200_000;
const BATCH = 10_000;
const RUNS = 3;
const ORIGIN = { project: 'demo', logstore: 'access' };
const CHUNK_BYTES = 64 * 1024;

/** Microseconds from the Unix epoch to PostgreSQL's, 2000-01-01T00:00:00Z. */
const PG_EPOCH_US = 946_684_800_000_000n;

class BinaryRows {
  #buffer = Buffer.allocUnsafe(CHUNK_BYTES * 2);
  #at = 0;
  readonly #columns: readonly LayoutColumn[];
  readonly #own: ReadonlySet<string>;
  /** The seconds part of the last time seen, and its value in microseconds since the PostgreSQL epoch. */
  #second = '';
  #secondUs = 0n;

  constructor(columns: readonly LayoutColumn[]) {
    this.#columns = columns;
    this.#own = new Set(columns.filter((column) => column.from === 'record').map((column) => column.key));
  }

  *chunks(records: readonly RequestRecord[]): Generator<Buffer> {
    this.#at = 0;
    this.#bytes(Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1'));
    this.#int32(0);
    this.#int32(0);
    for (const record of records) {
      this.#int16(this.#columns.length);
      for (const column of this.#columns) this.#field(column, record);
      if (this.#at >= CHUNK_BYTES) yield this.#take();
    }
    this.#int16(-1);
    yield this.#take();
  }

  #field(column: LayoutColumn, record: RequestRecord): void {
    if (column.from === 'origin') return this.#text(column.key === 'project' ? ORIGIN.project : ORIGIN.logstore, false);
    if (column.from === 'extras') {
      const extras: Record<string, unknown> = {};
      for (const key in record) if (!this.#own.has(key)) extras[key] = record[key];
      return this.#text(JSON.stringify(extras), true);
    }
    const value = record[column.key];
    if (value === undefined) return this.#int32(-1);
    switch (column.kind) {
      case 'time':
        return this.#time(value as string);
      case 'integer':
        this.#int32(4);
        return this.#int32(value as number);
      case 'json':
        return this.#text(JSON.stringify(value), true);
      default:
        return this.#text(value as string, false);
    }
  }

  /** `2023-11-14T22:13:20.123456789Z` as int8 microseconds; the seconds are parsed once per second. */
  #time(iso: string): void {
    const second = iso.slice(0, 19);
    if (second !== this.#second) {
      this.#second = second;
      this.#secondUs = BigInt(Date.parse(`${second}Z`)) * 1000n - PG_EPOCH_US;
    }
    const fraction = iso.length > 21 ? Number(`${iso.slice(20, 26).padEnd(6, '0')}`) : 0;
    this.#room(12);
    this.#buffer.writeInt32BE(8, this.#at);
    this.#buffer.writeBigInt64BE(this.#secondUs + BigInt(fraction), this.#at + 4);
    this.#at += 12;
  }

  #text(text: string, jsonb: boolean): void {
    const header = jsonb ? 5 : 4;
    this.#room(header + text.length * 3);
    const start = this.#at;
    if (jsonb) this.#buffer[start + 4] = 1;
    const written = this.#buffer.write(text, start + header, 'utf8');
    this.#buffer.writeInt32BE(written + header - 4, start);
    this.#at = start + header + written;
  }

  #int16(value: number): void {
    this.#room(2);
    this.#at = this.#buffer.writeInt16BE(value, this.#at);
  }

  #int32(value: number): void {
    this.#room(4);
    this.#at = this.#buffer.writeInt32BE(value, this.#at);
  }

  #bytes(bytes: Buffer): void {
    this.#room(bytes.length);
    this.#at += bytes.copy(this.#buffer, this.#at);
  }

  /** Grows the buffer (keeping what it holds) so that `bytes` more fit. */
  #room(bytes: number): void {
    if (this.#at + bytes <= this.#buffer.length) return;
    const grown = Buffer.allocUnsafe(Math.max(this.#buffer.length * 2, this.#at + bytes));
    this.#buffer.copy(grown, 0, 0, this.#at);
    this.#buffer = grown;
  }

  #take(): Buffer {
    const chunk = Buffer.from(this.#buffer.subarray(0, this.#at));
    this.#at = 0;
    return chunk;
  }
}

interface Encoder {
  chunks(records: readonly RequestRecord[]): Iterable<Buffer>;
}

/** CPU milliseconds to encode every record, median of RUNS. */
function encodeCpuMs(encoder: Encoder, records: readonly RequestRecord[]): number {
  const runs: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    const start = process.cpuUsage();
    let bytes = 0;
    for (let i = 0; i < records.length; i += BATCH) for (const chunk of encoder.chunks(records.slice(i, i + BATCH))) bytes += chunk.length;
    const used = process.cpuUsage(start);
    if (bytes === 0) throw new Error('encoded nothing');
    runs.push((used.user + used.system) / 1000);
  }
  return median(runs);
}

/** The batches encoded ahead, so that a COPY of them measures the server's side alone. */
function preEncoded(encoder: Encoder, records: readonly RequestRecord[]): Encoder {
  const batches = new Map<RequestRecord, Buffer[]>();
  for (let i = 0; i < records.length; i += BATCH) batches.set(records[i] as RequestRecord, [...encoder.chunks(records.slice(i, i + BATCH))]);
  return { chunks: (batch) => batches.get(batch[0] as RequestRecord) ?? [] };
}

/** Seconds to COPY every record, a transaction per batch, one connection; median of RUNS. */
async function copySeconds(client: pg.Client, table: string, names: string, format: string, encoder: Encoder, records: readonly RequestRecord[]): Promise<number> {
  const runs: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    await client.query(`TRUNCATE ${table}`);
    const started = performance.now();
    for (let i = 0; i < records.length; i += BATCH) {
      await client.query('BEGIN');
      await pipeline(Readable.from(encoder.chunks(records.slice(i, i + BATCH))), client.query(copyFrom(`COPY ${table} (${names}) FROM STDIN ${format}`)));
      await client.query('COMMIT');
    }
    runs.push((performance.now() - started) / 1000);
  }
  const [{ count }] = (await client.query<{ count: string }>(`SELECT count(*) FROM ${table}`)).rows as [{ count: string }];
  if (Number(count) !== records.length) throw new Error(`${table} holds ${count} rows, not ${records.length}`);
  return median(runs);
}

/** Records per second through the sink itself, `inFlight` commits at a time. */
async function sinkRate(url: string, schema: string, dedupe: boolean, records: readonly RequestRecord[], inFlight: number): Promise<number> {
  const log = pino({ level: 'warn' });
  const sink = new PostgresSink({ config: postgresSinkConfig.parse({ type: 'postgres', url, schema, table: `sink_${dedupe ? 'dedupe' : 'plain'}`, dedupe, batch: { maxInFlight: inFlight } }), fields: 'all', origin: ORIGIN, log });
  await sink.open();
  try {
    const started = performance.now();
    let next = 0;
    const lane = async (): Promise<void> => {
      while (next < records.length) {
        const from = next;
        next += BATCH;
        await sink.write(records.slice(from, from + BATCH));
      }
    };
    await Promise.all(Array.from({ length: inFlight }, lane));
    return records.length / ((performance.now() - started) / 1000);
  } finally {
    await sink.close();
  }
}

export async function benchPostgresCopy(url = benchDatabaseUrl()): Promise<BenchRow[]> {
  const records = generatedRecords(RECORDS);
  const columns = tableLayout({ fields: 'all' });
  const text = new CopyTextEncoder(columns.map((column) => ({ ...column, encoding: encodingOf(CREATED_TYPE[column.kind]) })), ORIGIN);
  const binary = new BinaryRows(columns);
  const schema = `sluice_bench_${process.pid}`;
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`CREATE SCHEMA ${pg.escapeIdentifier(schema)}`);
    // The table as the sink creates it.
    const sink = new PostgresSink({ config: postgresSinkConfig.parse({ type: 'postgres', url, schema, table: 'copy' }), fields: 'all', origin: ORIGIN, log: pino({ level: 'warn' }) });
    await sink.open();
    await sink.close();
    const table = `${pg.escapeIdentifier(schema)}.copy`;
    const names = columns.map((column) => pg.escapeIdentifier(column.name)).join(', ');
    const textCpu = encodeCpuMs(text, records);
    const binaryCpu = encodeCpuMs(binary, records);
    const textCopy = await copySeconds(client, table, names, '', text, records);
    const binaryCopy = await copySeconds(client, table, names, '(FORMAT binary)', binary, records);
    const textServer = await copySeconds(client, table, names, '', preEncoded(text, records), records);
    const binaryServer = await copySeconds(client, table, names, '(FORMAT binary)', preEncoded(binary, records), records);
    const note = `${RECORDS} nginx records (fields all), batches of ${BATCH}, median of ${RUNS}`;
    return [
      { name: 'encode, text format', value: Math.round(RECORDS / (textCpu / 1000)), unit: 'records/cpu-s', note },
      { name: 'encode, binary format', value: Math.round(RECORDS / (binaryCpu / 1000)), unit: 'records/cpu-s', note },
      { name: 'COPY, text format', value: Math.round(RECORDS / textCopy), unit: 'records/s', note: 'one connection, a transaction per batch' },
      { name: 'COPY, binary format', value: Math.round(RECORDS / binaryCopy), unit: 'records/s', note: 'one connection, a transaction per batch' },
      { name: 'COPY of rows encoded ahead, text', value: Math.round(RECORDS / textServer), unit: 'records/s', note: 'the server\'s side alone' },
      { name: 'COPY of rows encoded ahead, binary', value: Math.round(RECORDS / binaryServer), unit: 'records/s', note: 'the server\'s side alone' },
      { name: 'postgres sink, dedupe off', value: Math.round(await sinkRate(url, schema, false, records, 2)), unit: 'records/s', note: 'maxInFlight 2' },
      { name: 'postgres sink, dedupe on', value: Math.round(await sinkRate(url, schema, true, records, 2)), unit: 'records/s', note: 'maxInFlight 2' },
    ];
  } finally {
    await client.query(`DROP SCHEMA IF EXISTS ${pg.escapeIdentifier(schema)} CASCADE`);
    await client.end();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { formatTable } = await import('./report.js');
  console.log(formatTable('PostgreSQL COPY: text vs binary format, and the sink', await benchPostgresCopy(process.argv[2])));
}
