// `sluice emulator`: a local, wire-compatible SLS to try configs offline and to run the
// demo, tests and benchmarks against. Runs until SIGINT/SIGTERM.

import { Command, InvalidArgumentError } from 'commander';
import { FaultPlan } from '../emulator/faults.js';
import type { EmulatorOptions } from '../emulator/index.js';
import { integerIn } from './options.js';
import { waitForSignal } from './signals.js';

interface EmulatorFlags {
  host: string;
  port: number;
  project: string;
  logstore: string;
  shards: number;
  accessKeyId?: string;
  accessKeySecret?: string;
  generate: number;
  rate: number;
  faults?: string;
}

/** Rejects a bad --faults spec as a usage error, naming the rule, before anything starts. */
function checkedFaultSpec(spec: string): string {
  try {
    new FaultPlan(spec);
  } catch (error) {
    throw new InvalidArgumentError((error as Error).message);
  }
  return spec;
}

export function emulatorCommand(): Command {
  return new Command('emulator')
    .description('run a local SLS emulator that the official SDKs and sluice accept')
    .option('--host <address>', 'address to listen on', '127.0.0.1')
    .option('--port <port>', 'port to listen on (0 picks a free one)', integerIn(0, 65535), 9800)
    .option('--project <name>', 'project to create', 'demo')
    .option('--logstore <name>', 'logstore to create', 'access')
    .option('--shards <n>', 'shards of the logstore', integerIn(1, 256), 4)
    .option('--access-key-id <id>', 'accept only this access key id (default: any key, signatures unchecked)')
    .option('--access-key-secret <secret>', 'secret of --access-key-id; signatures are verified')
    .option('--generate <n>', 'nginx access logs to generate before serving', integerIn(0, 1e9), 0)
    .option('--rate <n>', 'nginx access logs to generate per second while serving', integerIn(0, 1e8), 0)
    .option('--faults <spec>', 'faults to inject, e.g. "PullLogs:503=0.1,PullLogs:latency=50ms"', checkedFaultSpec)
    .action(async function (this: Command, flags: EmulatorFlags) {
      if ((flags.accessKeyId === undefined) !== (flags.accessKeySecret === undefined)) {
        this.error('error: --access-key-id and --access-key-secret go together: give both, or neither to accept any key.');
      }
      // Listen for the stop signal before announcing readiness: a supervisor may send it the
      // instant it reads the ready line (or during start-up, which then ends right after).
      const stopSignal = waitForSignal();
      const options: EmulatorOptions = { ...flags };
      const { startEmulator } = await import('../emulator/index.js');
      const emulator = await startEmulator(options);
      process.stdout.write(
        `sluice emulator listening on ${emulator.url} (project ${flags.project}, logstore ${flags.logstore}, ` +
          `${flags.shards} shards, ${flags.generate} logs generated)\n`,
      );
      const signal = await stopSignal;
      process.stderr.write(`received ${signal}, stopping the emulator\n`);
      await emulator.close();
    });
}
