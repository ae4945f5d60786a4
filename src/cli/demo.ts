// `sluice demo`: everything on one machine with nothing to configure. It starts the
// built-in emulator with generated nginx logs, shows the shards, and reads every shard
// from begin to end with sluice's own SLS client, printing what it read.
// (The ingestion pipeline will take over the reading part; see the README.)

import { Command } from 'commander';
import { startEmulator } from '../emulator/index.js';
import { SlsClient } from '../sls/client.js';
import { integerIn } from './options.js';
import { describeShards } from './shards.js';

const DEMO_KEY = { accessKeyId: 'demo-access-key-id', accessKeySecret: 'demo-access-key-secret' };
const PROJECT = 'demo';
const LOGSTORE = 'access';

/** Reads one shard from `begin` to `end` and returns how many records it holds. */
async function readShard(client: SlsClient, shard: number, begin: string, end: string): Promise<number> {
  let cursor = begin;
  let records = 0;
  while (cursor !== end) {
    const pulled = await client.pullRecords(LOGSTORE, shard, { cursor, count: 1000, endCursor: end });
    records += pulled.records.length;
    cursor = pulled.nextCursor;
  }
  return records;
}

export function demoCommand(): Command {
  return new Command('demo')
    .description('run sluice against the built-in emulator with generated logs')
    .option('--logs <n>', 'nginx access logs to generate', integerIn(1, 1e8), 200_000)
    .action(async (flags: { logs: number }) => {
      const emulator = await startEmulator({ port: 0, project: PROJECT, logstore: LOGSTORE, shards: 4, generate: flags.logs, ...DEMO_KEY });
      try {
        process.stdout.write(`emulator: ${emulator.url} (project ${PROJECT}, logstore ${LOGSTORE}, ${flags.logs} logs)\n`);
        const client = new SlsClient({ endpoint: emulator.url, project: PROJECT, credentials: DEMO_KEY });
        const shards = await describeShards(client, LOGSTORE);
        const started = performance.now();
        const counts = await Promise.all(shards.map((s) => readShard(client, s.shardID, s.beginCursor, s.endCursor)));
        const seconds = (performance.now() - started) / 1000;
        const total = counts.reduce((a, b) => a + b, 0);
        shards.forEach((s, i) => process.stdout.write(`shard ${s.shardID}: ${counts[i]} records\n`));
        process.stdout.write(`read ${total} records in ${seconds.toFixed(2)} s (${Math.round(total / seconds)} records/s)\n`);
      } finally {
        await emulator.close();
      }
    });
}
