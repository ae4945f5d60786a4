// `sluice config print`: the configuration a run with the same file, environment and flags
// would use, as YAML on stdout, with every secret masked, so an operator can see what a
// `${VAR}` or a flag made of the file without reading the run's logs.

import { Command } from 'commander';
import { addConfigOptions, configFromFlags } from './options.js';

export function configCommand(): Command {
  const print = addConfigOptions(new Command('print'))
    .description('print the effective configuration (file, ${VAR}s, flags, defaults) as YAML, secrets masked')
    .action(async (flags: Record<string, unknown>) => {
      const config = await configFromFlags(flags);
      const { printedConfig } = await import('../config/printed-config.js');
      const origin = typeof flags.config === 'string' ? `${flags.config}, ` : '';
      process.stdout.write(`# sluice: the effective configuration (${origin}environment, flags, defaults); secrets masked\n${printedConfig(config)}`);
    });
  return new Command('config').description('inspect the configuration').addCommand(print);
}
