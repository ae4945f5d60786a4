// `sluice run`: the ingestion, configured by a YAML file and flags over it. Runs until
// stopped (SIGINT/SIGTERM drain it), or to `--until` (cron); see the README's "Running sluice".

import { Command } from 'commander';
import { loadConfig } from '../config/load.js';
import { addConfigFlags, ingest } from './ingest.js';

type RunFlags = { config?: string } & Record<string, string | undefined>;

export function runCommand(): Command {
  const command = new Command('run')
    .description('ingest an SLS logstore into a sink through a consumer group; SIGINT/SIGTERM drain it, losing nothing')
    .option('--config <file>', 'YAML config file (every key can also be given, or overridden, by its flag)');
  return addConfigFlags(command).action(async (flags: RunFlags) => {
    const config = await loadConfig({ ...(flags.config === undefined ? {} : { file: flags.config }), flags });
    await ingest(config);
  });
}
