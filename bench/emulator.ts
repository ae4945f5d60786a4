// How fast the emulator serves PullLogs: an emulator in a child process with pre-generated
// nginx logs, and a minimal client that pulls every shard from begin to end the way the
// official consumers do (count=1000, Accept-Encoding lz4, one loop per shard) but only
// counts: x-log-count and bytes, no decompression, no decoding. Target: >= 2M logs/s.

import { Agent } from 'node:http';
import { get, pullShard } from './raw-pulls.js';
import type { BenchRow } from './report.js';
import { startEmulatorChild } from './sluice-process.js';

const LOGS = 4_000_000;
const SHARDS = 4;

export async function benchEmulator(): Promise<BenchRow[]> {
  const emulator = await startEmulatorChild(LOGS, SHARDS);
  try {
    const agent = new Agent({ keepAlive: true, maxSockets: SHARDS });
    const started = performance.now();
    const perShard = await Promise.all(Array.from({ length: SHARDS }, (_, shard) => pullToEnd(emulator.port, agent, shard)));
    const seconds = (performance.now() - started) / 1000;
    const stats = JSON.parse((await get(emulator.port, agent, '/_emulator/stats')).body.toString()) as { pulledLogs: number };
    agent.destroy();
    const pulls = perShard.reduce((sum, s) => sum + s.pulls, 0);
    const wireBytes = perShard.reduce((sum, s) => sum + s.bytes, 0);
    const note = `${SHARDS} shards, ${emulator.generated.groups} groups of ~550 logs, lz4, child process`;
    return [
      { name: 'emulator PullLogs served', value: Math.round(stats.pulledLogs / seconds), unit: 'logs/s', note },
      { name: 'emulator PullLogs round trips', value: Math.round(pulls / seconds), unit: 'requests/s', note },
      { name: 'emulator PullLogs wire throughput', value: Math.round(wireBytes / 1e6 / seconds), unit: 'MB/s', note },
      { name: 'emulator generate', value: Math.round(emulator.generated.logs / (emulator.generated.millis / 1000)), unit: 'logs/s', note: `${emulator.generated.logs} logs, before listening` },
      { name: 'emulator lz4 prewarm', value: Math.round(emulator.generated.logs / (emulator.warmMillis / 1000)), unit: 'logs/s', note: 'in the background after listening' },
    ];
  } finally {
    await emulator.stop();
  }
}

/** Pulls one shard from begin until the cursor stops moving; counts pulls and body bytes. */
async function pullToEnd(port: number, agent: Agent, shard: number): Promise<{ pulls: number; bytes: number }> {
  let pulls = 0;
  let bytes = 0;
  await pullShard(port, agent, shard, false, (pull) => {
    pulls += 1;
    bytes += pull.bytes;
    return true;
  });
  return { pulls, bytes };
}
