// End to end: an emulator in a child process with pre-generated nginx logs, and `sluice run
// --until end` (the compiled CLI, its own process) reading every shard into the file sink,
// then into the null sink. The ceiling beside it is decode-only on the same data: the
// LogGroupList bodies the emulator serves, decoded in memory with nothing else to do. The
// issue's target: end to end >= 50% of that ceiling. Peak RSS is the CLI's VmHWM.

import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { SlsClient } from '../src/sls/client.js';
import { decodeLogGroupList } from '../src/sls/codec/log-group-list-decoder.js';
import { median, type BenchRow } from './report.js';

const LOGS = 1_000_000;
const SHARDS = 4;
/** Bodies kept in memory for the ceiling: enough for a stable figure, not the whole store. */
const CEILING_BODIES = 40;
const RUNS = 5;
/** Rounds of ceiling + file run + null run. */
const E2E_ROUNDS = 3;
const KEY = { accessKeyId: 'bench', accessKeySecret: 'bench' };
const CLI = fileURLToPath(new URL('../src/cli/main.js', import.meta.url));

interface RunFigures {
  seconds: number;
  peakRssMb: number;
  lines: number;
}

export async function benchEndToEnd(): Promise<BenchRow[]> {
  const child = spawn(process.execPath, [fileURLToPath(new URL('./emulator-child.js', import.meta.url)), String(LOGS), String(SHARDS)], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const dir = mkdtempSync(path.join(os.tmpdir(), 'sluice-bench-'));
  try {
    const [line] = (await once(createInterface({ input: child.stdout }), 'line')) as [string];
    const { url } = JSON.parse(line) as { url: string };
    const bodies = await pullBodies(url);
    // Rounds of ceiling, file run, null run: on a noisy machine each figure is a median of
    // samples taken in the same stretches of time as the others.
    const ceilings: number[] = [];
    const files: RunFigures[] = [];
    const nulls: RunFigures[] = [];
    for (let round = 0; round < E2E_ROUNDS; round++) {
      ceilings.push(decodeCeiling(bodies));
      files.push(await runSluice(url, dir, ['--sink', 'file', '--output', path.join(dir, 'requests.ndjson')]));
      nulls.push(await runSluice(url, dir, ['--sink', 'null']));
    }
    const wrong = files.find((file) => file.lines !== LOGS);
    if (wrong !== undefined) throw new Error(`the file sink holds ${wrong.lines} lines, not the ${LOGS} logs generated`);
    const ceiling = median(ceilings);
    const rate = (runs: RunFigures[]): number => LOGS / median(runs.map((run) => run.seconds));
    const spread = (runs: RunFigures[]): string => `median of ${E2E_ROUNDS} runs, ${Math.round(LOGS / Math.max(...runs.map((run) => run.seconds))).toLocaleString('en-US')}..${Math.round(LOGS / Math.min(...runs.map((run) => run.seconds))).toLocaleString('en-US')}`;
    const peak = (runs: RunFigures[]): number => Math.max(...runs.map((run) => run.peakRssMb));
    const endToEnd = rate(files);
    return [
      { name: 'ceiling: decode only (in memory)', value: Math.round(ceiling), unit: 'records/s', note: `${CEILING_BODIES} PullLogs bodies of the same data, median of ${E2E_ROUNDS} x ${RUNS} passes` },
      { name: 'sluice run -> file sink', value: Math.round(endToEnd), unit: 'records/s', note: `${LOGS} nginx logs, ${SHARDS} shards; ${spread(files)}` },
      { name: 'sluice run -> null sink', value: Math.round(rate(nulls)), unit: 'records/s', note: `no sink cost; ${spread(nulls)}` },
      { name: 'end to end / ceiling', value: endToEnd / ceiling, unit: 'x', note: 'file sink; target >= 0.5' },
      { name: 'peak RSS, file sink run', value: peak(files), unit: 'MB', note: 'VmHWM of the sluice process, highest of the runs' },
      { name: 'peak RSS, null sink run', value: peak(nulls), unit: 'MB' },
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
    const exited = once(child, 'exit');
    child.stdin.end();
    await exited;
  }
}

/** The first CEILING_BODIES PullLogs bodies the emulator serves, decompressed. */
async function pullBodies(url: string): Promise<Uint8Array[]> {
  const client = new SlsClient({ endpoint: url, project: 'demo', credentials: KEY });
  const bodies: Uint8Array[] = [];
  try {
    for (let shard = 0; shard < SHARDS && bodies.length < CEILING_BODIES; shard++) {
      let cursor = await client.getCursor('access', shard, 'begin');
      while (bodies.length < CEILING_BODIES) {
        const pulled = await client.pullLogs('access', shard, { cursor, count: 1000 });
        if (pulled.count === 0) break;
        bodies.push(pulled.logGroupList);
        cursor = pulled.nextCursor;
      }
    }
  } finally {
    client.close();
  }
  return bodies;
}

/** Records/s of decodeLogGroupList alone over `bodies`: the median of RUNS passes after a warm-up. */
function decodeCeiling(bodies: readonly Uint8Array[]): number {
  let records = 0;
  for (const body of bodies) records += decodeLogGroupList(body).length;
  const times = Array.from({ length: RUNS + 1 }, () => {
    const started = performance.now();
    for (const body of bodies) decodeLogGroupList(body);
    return (performance.now() - started) / 1000;
  }).slice(1);
  return records / median(times);
}

/** Runs `sluice run --until end` with a fresh consumer group; wall time, peak RSS and lines written. */
async function runSluice(url: string, dir: string, sinkFlags: string[]): Promise<RunFigures> {
  const group = `bench-${Date.now()}`;
  const args = [
    CLI, 'run', '--endpoint', url, '--project', 'demo', '--logstore', 'access', '--consumer-group', group, '--consumer', 'bench',
    '--access-key-id', KEY.accessKeyId, '--access-key-secret', KEY.accessKeySecret, '--until', 'end', '--log-level', 'warn',
    '--dead-letter', path.join(dir, 'dead-letter.ndjson'), ...sinkFlags,
  ];
  const started = performance.now();
  const run = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'inherit'] });
  let peakKb = 0;
  const sampler = setInterval(() => (peakKb = Math.max(peakKb, vmHighWaterKb(run.pid))), 100);
  const [code] = (await once(run, 'exit')) as [number | null];
  clearInterval(sampler);
  const seconds = (performance.now() - started) / 1000;
  if (code !== 0) throw new Error(`sluice run exited with ${code}`);
  const output = sinkFlags.includes('file') ? path.join(dir, 'requests.ndjson') : undefined;
  const lines = output === undefined ? LOGS : countLines(output);
  if (output !== undefined) rmSync(output);
  return { seconds, peakRssMb: Math.round(peakKb / 1024), lines };
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

function countLines(file: string): number {
  const text = readFileSync(file);
  let lines = 0;
  for (let i = text.indexOf(10); i !== -1; i = text.indexOf(10, i + 1)) lines++;
  return lines;
}
