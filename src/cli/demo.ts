// `sluice demo`: the whole product on one machine with nothing to configure. It starts the
// built-in emulator with pre-generated nginx logs and more arriving every second, and runs the
// ingestion against it into the default file sink (./data/requests.ndjson), with the progress
// line on a terminal; Ctrl-C drains it like any `sluice run`. It takes the same override
// flags as `run` (but not the connection ones: the emulator is the source), so
// `sluice demo --until end` reads the pre-generated logs and exits 0.

import { Command } from 'commander';
import { addConfigFlags, integerIn, stringFlags } from './options.js';

const DEMO_KEY = { accessKeyId: 'demo-access-key-id', accessKeySecret: 'demo-access-key-secret' };
const PROJECT = 'demo';
const LOGSTORE = 'access';
/** Logs per second arriving while the demo runs until stopped: a steady flow that memory (the emulator keeps every log) can sustain for minutes. */
const DEFAULT_RATE = 5000;

/** The emulator is the source: these keys come from it, not from flags. */
const SOURCE_KEYS = new Set([
  'source.endpoint',
  'source.project',
  'source.logstore',
  'source.accessKeyId',
  'source.accessKeySecret',
  'source.signatureVersion',
  'source.region',
]);

type DemoFlags = { logs: number; rate?: number; shards: number; until?: string } & Record<string, unknown>;

export function demoCommand(): Command {
  const command = new Command('demo')
    .description('run sluice against the built-in emulator with generated nginx logs, into ./data/requests.ndjson; Ctrl-C drains it')
    .option('--logs <n>', 'nginx access logs to generate before the run', integerIn(0, 1e8), 200_000)
    .option('--rate <n>', `nginx access logs arriving per second during the run (default: ${DEFAULT_RATE}, or 0 with --until)`, integerIn(0, 1e6))
    .option('--shards <n>', 'shards of the emulated logstore', integerIn(1, 64), 4);
  return addConfigFlags(command, SOURCE_KEYS).action(async (flags: DemoFlags) => {
    // With --until the run reads a fixed data set: logs arriving during it would only blur what it read.
    const rate = flags.rate ?? (flags.until === undefined ? DEFAULT_RATE : 0);
    const [{ startEmulator }, { loadConfig }, { ingest }] = await Promise.all([
      import('../emulator/index.js'),
      import('../config/load.js'),
      import('./ingest.js'),
    ]);
    const emulator = await startEmulator({ port: 0, project: PROJECT, logstore: LOGSTORE, shards: flags.shards, generate: flags.logs, rate, ...DEMO_KEY });
    try {
      process.stderr.write(
        `sluice demo: emulator on ${emulator.url} (${flags.shards} shards, ${flags.logs} logs generated, ${rate} more per second); ` +
          `Ctrl-C drains and stops\n`,
      );
      const config = await loadConfig({
        flags: { ...stringFlags(flags), endpoint: emulator.url, project: PROJECT, logstore: LOGSTORE, ...DEMO_KEY },
      });
      await ingest(config);
    } finally {
      await emulator.close();
    }
  });
}
