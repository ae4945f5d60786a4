// `sluice validate`: what a run with this config would meet at start, checked without reading
// or writing any data: the config itself, SLS (endpoint, access key, project, logstore), the
// consumer group, the sink and the dead-letter file. One line per check on stdout; the exit
// code is the one the first failure would have ended a run with (78 config, 77 credentials,
// 69 SLS unreachable, 74 sink), so a deploy script can stop before a broken run starts.

import { Command } from 'commander';
import type { SluiceConfig } from '../config/schema.js';
import type { SlsClient } from '../sls/client.js';
import { exitCodeFor, ReportedFailure } from './exit-codes.js';
import { addConfigOptions, configFromFlags } from './options.js';

interface Check {
  name: string;
  run(): Promise<string>;
  /** A check that cannot run when this one failed. */
  needs?: string;
}

const NAME_WIDTH = 'dead-letter'.length;

export function validateCommand(): Command {
  return addConfigOptions(new Command('validate'))
    .description('check the config, the SLS endpoint and access key, the consumer group, the sink and the dead-letter file, without moving any data')
    .action(async (flags: Record<string, unknown>) => {
      const origin = typeof flags.config === 'string' ? flags.config : 'the flags';
      let config: SluiceConfig;
      try {
        config = await configFromFlags(flags);
      } catch (error) {
        report('FAIL', 'config', messageOf(error));
        throw new ReportedFailure('validation failed: config', exitCodeFor(error));
      }
      report('ok', 'config', `${origin}: valid (source ${config.source.type}, sink ${config.sink.type})`);
      const { slsClientFor } = await import('../sources/sls/connect.js');
      let client: SlsClient | undefined;
      try {
        await runChecks(await checksFor(config, () => (client ??= slsClientFor(config.source))));
      } finally {
        client?.close();
      }
      process.stdout.write('sluice validate: every check passed\n');
    });
}

async function checksFor(config: SluiceConfig, client: () => SlsClient): Promise<Check[]> {
  const [{ createLogger }, { checkConsumerGroup, checkLogstore }, { checkSink }, { checkDeadLetterPath }] = await Promise.all([
    import('../observe/logger.js'),
    import('../sources/sls/preflight.js'),
    import('../sinks/registry.js'),
    import('../sinks/dead-letter.js'),
  ]);
  const { source, sink, deadLetter, parse } = config;
  const context = { log: createLogger({ level: 'silent' }), origin: { project: source.project, logstore: source.logstore }, fields: parse.fields };
  return [
    { name: 'sls', run: () => checkLogstore(client(), source) },
    { name: 'group', run: () => checkConsumerGroup(client(), source), needs: 'sls' },
    { name: 'sink', run: () => checkSink(sink, context) },
    { name: 'dead-letter', run: () => checkDeadLetterPath(deadLetter.path) },
  ];
}

/** Runs every check it can, reporting each; throws a ReportedFailure with the first failure's exit code. */
async function runChecks(checks: readonly Check[]): Promise<void> {
  const failed: { name: string; error: unknown }[] = [];
  for (const check of checks) {
    if (check.needs !== undefined && failed.some((failure) => failure.name === check.needs)) {
      report('skip', check.name, `needs ${check.needs}`);
      continue;
    }
    try {
      report('ok', check.name, await check.run());
    } catch (error) {
      report('FAIL', check.name, messageOf(error));
      failed.push({ name: check.name, error });
    }
  }
  const [first] = failed;
  if (first !== undefined) throw new ReportedFailure(`validation failed: ${failed.map((failure) => failure.name).join(', ')}`, exitCodeFor(first.error));
}

function report(status: 'ok' | 'FAIL' | 'skip', name: string, detail: string): void {
  // A message of several lines (a config with several problems) is indented under its check.
  const indent = ' '.repeat(4 + 2 + NAME_WIDTH + 2);
  process.stdout.write(`${status.padEnd(4)}  ${name.padEnd(NAME_WIDTH)}  ${detail.split('\n').join(`\n${indent}`)}\n`);
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
