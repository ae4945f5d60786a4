// `sluice checkpoints reset`: moves the consumer group's checkpoints to the begin or end of each
// shard, or to a time, so the group's next run reads from there: to replay a day after a bug
// in a consumer of the sink, or to skip a backlog. It refuses while consumers are live in the
// group (see src/sources/sls/checkpoint-reset.ts for how that is told), unless --force.

import { Command, InvalidArgumentError } from 'commander';
import { resetCheckpoints } from '../sources/sls/checkpoint-reset.js';
import type { StartFrom } from '../sources/sls/run-bounds.js';
import { addConfigOptions, configFromFlags, integerIn } from './options.js';

type ResetFlags = { to: StartFrom; shard?: number; force?: boolean } & Record<string, unknown>;
type Positions = typeof import('../config/positions.js');

export function checkpointsCommand(): Command {
  // `--to` is read by the config schema's own reader of positions (zod): loaded by the hook
  // below just before `reset` parses its arguments, and not by every command.
  let positions: Positions | undefined;
  const reset = addConfigOptions(new Command('reset'))
    .description("move the consumer group's checkpoints to each shard's begin or end, or to a time; the group's next run reads from there")
    .requiredOption('--to <position>', 'begin, end, or an ISO 8601 time such as 2024-05-01T08:00:00Z', (value) => position(positions!, value))
    .option('--shard <id>', 'only this shard (default: every shard)', integerIn(0, Number.MAX_SAFE_INTEGER))
    .option('--force', 'reset even while SLS names live consumers in the group (they would overwrite it with their next checkpoint)')
    .action(async (flags: ResetFlags) => {
      const { source } = await configFromFlags(flags);
      const { slsClientFor } = await import('../sources/sls/connect.js');
      const client = slsClientFor(source);
      try {
        const moves = await resetCheckpoints(client, {
          logstore: source.logstore,
          group: source.consumerGroup,
          to: flags.to,
          ...(flags.shard === undefined ? {} : { shard: flags.shard }),
          force: flags.force === true,
        });
        const lines = moves.map((move) => `shard ${move.shard}: ${move.from === '' ? '(no checkpoint)' : move.from} -> ${move.to}`);
        const target = positions!.formatPosition(flags.to) ?? '';
        process.stdout.write(`consumer group ${source.consumerGroup} of ${source.project}/${source.logstore}: checkpoints moved to ${target}\n${lines.join('\n')}\n`);
      } finally {
        client.close();
      }
    });
  return new Command('checkpoints')
    .description("manage the consumer group's checkpoints")
    .addCommand(reset)
    .hook('preSubcommand', async () => {
      positions = await import('../config/positions.js');
    });
}

/** `--to`: the words and times `source.from` takes, read by the same schema. */
function position({ startPosition }: Positions, value: string): StartFrom {
  const parsed = startPosition.safeParse(value);
  if (!parsed.success) throw new InvalidArgumentError(parsed.error.issues.map((issue) => issue.message).join('; '));
  return parsed.data;
}
