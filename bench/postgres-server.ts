// The PostgreSQL side of the benchmarks: which database, how much CPU the server spends, and
// the server's own COPY speed from rows encoded ahead, the ceiling for any client on the
// machine (what `psql \copy` of a dump achieves).

import { closeSync, createReadStream, createWriteStream, openSync, readdirSync, readFileSync, readSync, statSync } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';
import { procCpuSeconds } from './sluice-process.js';

/** BENCH_POSTGRES_URL, else the test database the way the tests find it (PGHOST, PGPORT, PGUSER; database `test`). */
export function benchDatabaseUrl(): string {
  const explicit = process.env.BENCH_POSTGRES_URL;
  if (explicit !== undefined && explicit !== '') return explicit;
  const user = encodeURIComponent(process.env.PGUSER ?? 'postgres');
  return `postgres://${user}@${process.env.PGHOST ?? '127.0.0.1'}:${process.env.PGPORT ?? 5432}/${process.env.PGDATABASE ?? 'test'}`;
}

/**
 * CPU seconds the server has used: its postmaster's own and its exited backends' (reaped by
 * the postmaster), and those of its live processes (backends, WAL writer, checkpointer).
 * Only where the server runs on this machine and /proc lets us read it.
 */
export class ServerCpu {
  readonly #postmaster: number;

  private constructor(postmaster: number) {
    this.#postmaster = postmaster;
  }

  /** The server of `client`'s connection; undefined when its processes cannot be read here. */
  static async of(client: pg.Client): Promise<ServerCpu | undefined> {
    const { rows } = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
    const backend = rows[0]?.pid;
    const postmaster = backend === undefined ? undefined : parentOf(backend);
    if (postmaster === undefined || procCpuSeconds(postmaster) + procCpuSeconds(postmaster, true) === 0) return undefined;
    return new ServerCpu(postmaster);
  }

  seconds(): number {
    let total = procCpuSeconds(this.#postmaster) + procCpuSeconds(this.#postmaster, true);
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      const pid = Number(entry);
      if (parentOf(pid) === this.#postmaster) total += procCpuSeconds(pid);
    }
    return total;
  }
}

/** The parent process id of `pid`, from /proc; undefined when it cannot be read. */
function parentOf(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return undefined;
  }
}

/** A byte range of a dump file that holds whole rows. */
export interface RowRange {
  start: number;
  /** Inclusive, as createReadStream takes it. */
  end: number;
}

/** Writes the rows of `table` to `file` in COPY text format; returns `parts` ranges of about equal size, cut at row ends. */
export async function dumpRows(client: pg.Client, table: string, file: string, parts: number): Promise<RowRange[]> {
  await pipeline(client.query(copyTo(`COPY ${table} TO STDOUT`)), createWriteStream(file));
  const size = statSync(file).size;
  const ranges: RowRange[] = [];
  const fd = openSync(file, 'r');
  try {
    let start = 0;
    for (let part = 1; part <= parts && start < size; part++) {
      const end = part === parts ? size - 1 : rowEndAfter(fd, Math.max(start, Math.floor((size * part) / parts) - 1), size);
      ranges.push({ start, end });
      start = end + 1;
    }
  } finally {
    closeSync(fd);
  }
  return ranges;
}

/** The offset of the first newline at or after `from` (the file ends with one). */
function rowEndAfter(fd: number, from: number, size: number): number {
  const buffer = Buffer.alloc(64 * 1024);
  for (let at = from; at < size; at += buffer.length) {
    const read = readSync(fd, buffer, 0, buffer.length, at);
    const newline = buffer.subarray(0, read).indexOf(10);
    if (newline >= 0) return at + newline;
  }
  return size - 1;
}

/**
 * Seconds to COPY the dumped rows into `table`, one connection per range at once, each range
 * one COPY in one transaction: the server's side alone, as fast as it takes rows.
 */
export async function copyRanges(url: string, table: string, file: string, ranges: readonly RowRange[]): Promise<number> {
  const clients = ranges.map(() => new pg.Client({ connectionString: url }));
  await Promise.all(clients.map((client) => client.connect()));
  try {
    const started = performance.now();
    await Promise.all(
      ranges.map(async (range, i) => {
        const client = clients[i] as pg.Client;
        await client.query('BEGIN');
        const copy = client.query(copyFrom(`COPY ${table} FROM STDIN`));
        await pipeline(createReadStream(file, range), copy);
        await client.query('COMMIT');
      }),
    );
    return (performance.now() - started) / 1000;
  } finally {
    await Promise.all(clients.map((client) => client.end()));
  }
}
