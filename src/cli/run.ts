// `sluice run`: the ingestion, configured by a YAML file and flags over it. Runs until
// stopped (SIGINT/SIGTERM drain it), or to `--until` (cron); see the README's "Running sluice".

import { Command } from 'commander';
import { addConfigOptions, configFromFlags } from './options.js';

export function runCommand(): Command {
  const command = new Command('run').description(
    'ingest an SLS logstore into a sink through a consumer group; SIGINT/SIGTERM drain it, losing nothing',
  );
  return addConfigOptions(command).action(async (flags: Record<string, unknown>) => {
    const config = await configFromFlags(flags);
    const { ingest } = await import('./ingest.js');
    await ingest(config);
  });
}
