// Time from SIGTERM to exit at full speed: `sluice run` as a daemon (no --until) with its
// metrics endpoint on a free port, watched through /metrics until it has written a given
// number of records (by then the queue is full and every stage busy), then sent SIGTERM and
// timed until it exits. The drain writes what is in flight, so the bound is one
// second plus one sink flush; the mean commit of the run so far, from the same /metrics,
// says how long a flush takes and how many records it holds.

import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { setTimeout as delay } from 'node:timers/promises';
import { sluiceArgs } from './sluice-process.js';

/** How often /metrics is read while waiting for full speed. */
const POLL_MS = 50;
/** Longest wait for the run to write the records asked for. */
const FULL_SPEED_TIMEOUT_MS = 300_000;
/** pino's warn level: lines at or above it are passed on to the benchmark's stderr. */
const WARN = 40;

export interface StopFigures {
  /** From SIGTERM until the process exited. */
  seconds: number;
  /** Mean duration of the sink commits before the signal. */
  flushSeconds: number;
  /** Mean records per sink commit before the signal. */
  flushRecords: number;
}

/** Runs sluice with `flags` until it has written `atRecords` records, sends SIGTERM and times the exit; throws unless it exits 0. */
export async function stopAtFullSpeed(url: string, dir: string, flags: readonly string[], atRecords: number): Promise<StopFigures> {
  const args = sluiceArgs(url, dir, ['--listen', '127.0.0.1:0', '--log-level', 'info', ...flags]);
  const run = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  const exited = once(run, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
  try {
    const listen = await listenAddress(run);
    let metrics = '';
    const deadline = performance.now() + FULL_SPEED_TIMEOUT_MS;
    while (metricTotal((metrics = await scrape(listen)), 'sluice_written_records_total') < atRecords) {
      if (run.exitCode !== null) throw new Error(`sluice run ${flags.join(' ')} exited with ${run.exitCode} before writing ${atRecords} records`);
      if (performance.now() > deadline) throw new Error(`sluice run ${flags.join(' ')} wrote fewer than ${atRecords} records in ${FULL_SPEED_TIMEOUT_MS / 1000} s`);
      await delay(POLL_MS);
    }
    const signalled = performance.now();
    run.kill('SIGTERM');
    const [code, signal] = await exited;
    const seconds = (performance.now() - signalled) / 1000;
    if (code !== 0) throw new Error(`sluice run ${flags.join(' ')} exited with ${code ?? signal} after SIGTERM, not 0`);
    const commits = metricTotal(metrics, 'sluice_commit_duration_seconds_count');
    return {
      seconds,
      flushSeconds: metricTotal(metrics, 'sluice_commit_duration_seconds_sum') / commits,
      flushRecords: metricTotal(metrics, 'sluice_written_records_total') / commits,
    };
  } finally {
    if (run.exitCode === null && run.signalCode === null) {
      run.kill('SIGKILL');
      await exited;
    }
  }
}

/**
 * The sum of every sample of metric `name` (all label sets) in Prometheus exposition `text`;
 * 0 when it has none.
 */
export function metricTotal(text: string, name: string): number {
  let total = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(name)) continue;
    const rest = line.slice(name.length);
    if (rest[0] !== '{' && rest[0] !== ' ') continue; // another metric whose name starts the same
    total += Number(rest.slice(rest.lastIndexOf(' ') + 1));
  }
  return total;
}

/** The metrics endpoint's URL from the run's `listen` log line; the run's warnings and errors are passed on. */
async function listenAddress(run: ChildProcess): Promise<string> {
  const lines = createInterface({ input: run.stderr as NodeJS.ReadableStream });
  return new Promise((resolve, reject) => {
    run.once('exit', (code) => reject(new Error(`sluice run exited with ${code} before its metrics endpoint listened`)));
    // The listener stays for the whole run: the pipe must be drained or the run would block on it.
    lines.on('line', (line) => {
      const entry = parseLogLine(line);
      if (entry === undefined || (entry.level ?? 0) >= WARN) process.stderr.write(`${line}\n`);
      if (typeof entry?.listen === 'string') resolve(entry.listen);
    });
  });
}

function parseLogLine(line: string): { level?: number; listen?: unknown } | undefined {
  try {
    return JSON.parse(line) as { level?: number; listen?: unknown };
  } catch {
    return undefined;
  }
}

async function scrape(listen: string): Promise<string> {
  const response = await fetch(`${listen}/metrics`);
  if (!response.ok) throw new Error(`GET ${listen}/metrics answered ${response.status}`);
  return response.text();
}
