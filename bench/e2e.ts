// End to end: an emulator in a child process with pre-generated nginx logs, and `sluice run
// --until end` (the compiled CLI, its own process) reading every shard into the file sink,
// then into the null sink. The ceiling beside it is decode-only on the same data: the
// LogGroupList bodies the emulator serves, decoded in memory with nothing else to do. The
// issue's target: end to end >= 50% of that ceiling. Peak RSS is the CLI's VmHWM.

import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SlsClient } from '../src/sls/client.js';
import { decodeLogGroupList } from '../src/sls/codec/log-group-list-decoder.js';
import { median, type BenchRow } from './report.js';
import { BENCH_KEY, medianRate, peakRss, runIntoFile, runSluice, spreadNote, startEmulatorChild, type RunFigures } from './sluice-process.js';

const LOGS = 1_000_000;
const SHARDS = 4;
/** Bodies kept in memory for the ceiling: enough for a stable figure, not the whole store. */
const CEILING_BODIES = 40;
const RUNS = 5;
/** Rounds of ceiling + file run + null run. */
const E2E_ROUNDS = 3;

export async function benchEndToEnd(): Promise<BenchRow[]> {
  const emulator = await startEmulatorChild(LOGS, SHARDS);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'sluice-bench-'));
  try {
    const { url } = emulator;
    const bodies = await pullBodies(url);
    // Rounds of ceiling, file run, null run: on a noisy machine each figure is a median of
    // samples taken in the same stretches of time as the others.
    const ceilings: number[] = [];
    const files: RunFigures[] = [];
    const nulls: RunFigures[] = [];
    for (let round = 0; round < E2E_ROUNDS; round++) {
      ceilings.push(decodeCeiling(bodies));
      files.push(await runIntoFile(url, dir, LOGS));
      nulls.push(await runSluice(url, dir, ['--sink', 'null']));
    }
    const ceiling = median(ceilings);
    const endToEnd = medianRate(LOGS, files);
    return [
      { name: 'ceiling: decode only (in memory)', value: Math.round(ceiling), unit: 'records/s', note: `${CEILING_BODIES} PullLogs bodies of the same data, median of ${E2E_ROUNDS} x ${RUNS} passes` },
      { name: 'sluice run -> file sink', value: Math.round(endToEnd), unit: 'records/s', note: `${LOGS} nginx logs, ${SHARDS} shards; ${spreadNote(LOGS, files)}` },
      { name: 'sluice run -> null sink', value: Math.round(medianRate(LOGS, nulls)), unit: 'records/s', note: `no sink cost; ${spreadNote(LOGS, nulls)}` },
      { name: 'end to end / ceiling', value: endToEnd / ceiling, unit: 'x', note: 'file sink; target >= 0.5' },
      { name: 'peak RSS, file sink run', value: peakRss(files), unit: 'MB', note: 'VmHWM of the sluice process, highest of the runs' },
      { name: 'peak RSS, null sink run', value: peakRss(nulls), unit: 'MB' },
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await emulator.stop();
  }
}

/** The first CEILING_BODIES PullLogs bodies the emulator serves, decompressed. */
async function pullBodies(url: string): Promise<Uint8Array[]> {
  const client = new SlsClient({ endpoint: url, project: 'demo', credentials: BENCH_KEY });
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
