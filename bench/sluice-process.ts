// What the end-to-end benchmarks share: an emulator in a child process serving pre-generated
// nginx logs, and `sluice run --until end` (the compiled CLI, its own process) timed from spawn
// to exit, with its peak RSS and the CPU it used.

import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { closeSync, openSync, readFileSync, readSync, rmSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { NODE_FLAGS } from '../src/cli/node-flags.js';

const BENCH_KEY = { accessKeyId: 'bench', accessKeySecret: 'bench' };
const CLI = fileURLToPath(new URL('../src/cli/main.js', import.meta.url));
/** Bytes read at a time when counting a file's lines. */
const COUNT_PIECE_BYTES = 4 * 1024 * 1024;
/** Clock ticks per second of /proc's CPU times (USER_HZ, 100 on Linux). */
const TICKS = 100;

/** What the emulator child prints once it listens, and how to stop it. */
export interface EmulatorChild {
  url: string;
  port: number;
  /** The logs generated ahead, in how many groups, and how long that took. */
  generated: { logs: number; groups: number; millis: number };
  /** How long compressing every answer ahead took, after listening. */
  warmMillis: number;
  stop(): Promise<void>;
}

/** An emulator with `logs` nginx logs over `shards` shards, in its own process, ready to serve. */
export async function startEmulatorChild(logs: number, shards: number): Promise<EmulatorChild> {
  const child = spawn(process.execPath, [fileURLToPath(new URL('./emulator-child.js', import.meta.url)), String(logs), String(shards)], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = once(child, 'exit');
    child.stdin.end(); // the child stops when its parent closes stdin
    await exited;
  };
  try {
    const [line] = (await once(createInterface({ input: child.stdout }), 'line')) as [string];
    return { ...(JSON.parse(line) as Omit<EmulatorChild, 'stop'>), stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

export interface RunFigures {
  seconds: number;
  peakRssMb: number;
  /** User + system CPU of the sluice process. */
  cpuSeconds: number;
}

/**
 * Runs `sluice run --until end` with a fresh consumer group and `flags` (sink, config, ...);
 * throws unless it exits 0. Dead letters go to `dir`.
 */
export async function runSluice(url: string, dir: string, flags: readonly string[], env?: NodeJS.ProcessEnv): Promise<RunFigures> {
  const args = sluiceArgs(url, dir, ['--until', 'end', '--log-level', 'warn', ...flags]);
  // The child's CPU is read from this process's reaped-children times, which grow by exactly
  // the child's when it is reaped (the emulator child is alive meanwhile, so never counted).
  const cpuBefore = reapedChildrenCpuSeconds();
  const started = performance.now();
  const run = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'inherit'], ...(env === undefined ? {} : { env: { ...process.env, ...env } }) });
  let peakKb = 0;
  const sampler = setInterval(() => (peakKb = Math.max(peakKb, vmHighWaterKb(run.pid))), 100);
  const [code] = (await once(run, 'exit')) as [number | null];
  clearInterval(sampler);
  const seconds = (performance.now() - started) / 1000;
  if (code !== 0) throw new Error(`sluice run ${flags.join(' ')} exited with ${code}`);
  return { seconds, peakRssMb: Math.round(peakKb / 1024), cpuSeconds: reapedChildrenCpuSeconds() - cpuBefore };
}

/**
 * The node arguments of `sluice run` against the emulator at `url` with a fresh consumer group
 * (so it reads from begin) and `flags`; dead letters go to `dir`. Node gets the flags the
 * `sluice` bin gives it: the benchmark measures sluice as it is run.
 */
export function sluiceArgs(url: string, dir: string, flags: readonly string[]): string[] {
  return [
    ...NODE_FLAGS, CLI, 'run', '--endpoint', url, '--project', 'demo', '--logstore', 'access', '--consumer-group', `bench-${Date.now()}`, '--consumer', 'bench',
    '--access-key-id', BENCH_KEY.accessKeyId, '--access-key-secret', BENCH_KEY.accessKeySecret, '--dead-letter', path.join(dir, 'dead-letter.ndjson'), ...flags,
  ];
}

/** A run into the file sink; throws unless the file holds `logs` lines. The file is removed after. */
export async function runIntoFile(url: string, dir: string, logs: number): Promise<RunFigures> {
  const output = path.join(dir, 'requests.ndjson');
  const figures = await runSluice(url, dir, ['--sink', 'file', '--output', output]);
  expectLines(output, logs);
  rmSync(output);
  return figures;
}

/** Throws unless `file` holds `logs` lines. */
export function expectLines(file: string, logs: number): void {
  const lines = countLines(file);
  if (lines !== logs) throw new Error(`the file sink holds ${lines} lines, not the ${logs} logs generated`);
}

/** VmHWM (peak resident set) of a live process in KiB; 0 once it is gone. */
function vmHighWaterKb(pid: number | undefined): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    return Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0);
  } catch {
    return 0;
  }
}

/** cutime + cstime of this process: the CPU of its children that have exited and been reaped. */
function reapedChildrenCpuSeconds(): number {
  return procCpuSeconds('self', true);
}

/**
 * User + system CPU seconds of a process from /proc/<pid>/stat; with `reaped`, its reaped
 * children's instead. 0 where /proc cannot tell (not Linux, or not ours to read).
 */
export function procCpuSeconds(pid: number | 'self', reaped = false): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name, which may hold spaces, end at the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime, stime, cutime, cstime are fields 14-17 of the whole line: 12-15 after `pid (comm) `.
    const [first, second] = reaped ? [13, 14] : [11, 12];
    return (Number(fields[first]) + Number(fields[second])) / TICKS;
  } catch {
    return 0;
  }
}

/** Newlines in `file`, read a piece at a time: 10M records make a file of ~8 GB, more than one Buffer holds. */
function countLines(file: string): number {
  const piece = Buffer.allocUnsafe(COUNT_PIECE_BYTES);
  const fd = openSync(file, 'r');
  let lines = 0;
  try {
    for (let read = readSync(fd, piece); read > 0; read = readSync(fd, piece)) {
      const text = piece.subarray(0, read);
      for (let i = text.indexOf(10); i !== -1; i = text.indexOf(10, i + 1)) lines++;
    }
  } finally {
    closeSync(fd);
  }
  return lines;
}
