// `sluice shards`: one line per shard of the configured logstore with its status and the
// cursors that bound its data, the consumer group's checkpoint, the consumer holding the shard
// and how far the group is behind, so an operator sees what there is to read and who reads it.

import { Command } from 'commander';
import { formatLag } from '../observe/progress.js';
import { readGroupStatus, type GroupShardStatus } from '../sources/sls/group-status.js';
import { addConfigOptions, configFromFlags } from './options.js';

const NONE = '-';

export function shardsCommand(): Command {
  return addConfigOptions(new Command('shards'))
    .description("list the logstore's shards: status, begin/end cursors, the consumer group's checkpoint, the consumer holding it, lag")
    .option('--json', 'print JSON instead of a table')
    .action(async (flags: Record<string, unknown>) => {
      const { source } = await configFromFlags(flags);
      const { slsClientFor } = await import('../sources/sls/connect.js');
      const client = slsClientFor(source);
      try {
        const status = await readGroupStatus(client, source.logstore, source.consumerGroup);
        if (!status.groupExists) {
          process.stderr.write(
            `sluice: consumer group ${source.consumerGroup} does not exist in logstore ${source.logstore}, so no shard has a checkpoint; the first run creates it\n`,
          );
        }
        process.stdout.write((flags.json === true ? JSON.stringify(status.shards, null, 2) : formatTable(status.shards)) + '\n');
      } finally {
        client.close();
      }
    });
}

function formatTable(rows: readonly GroupShardStatus[]): string {
  const header = ['SHARD', 'STATUS', 'BEGIN CURSOR', 'END CURSOR', 'CHECKPOINT', 'CONSUMER', 'LAG GROUPS', 'LAG TIME'];
  const lines = rows.map((shard) => [
    String(shard.shardID),
    shard.status,
    shard.beginCursor,
    shard.endCursor,
    shard.checkpoint ?? NONE,
    shard.consumer ?? NONE,
    shard.lagLogGroups === null ? NONE : String(shard.lagLogGroups),
    shard.lagSeconds === null ? NONE : formatLag(shard.lagSeconds),
  ]);
  const widths = header.map((title, i) => Math.max(title.length, ...lines.map((line) => line[i]!.length)));
  return [header, ...lines].map((cells) => cells.map((cell, i) => cell.padEnd(widths[i]!)).join('  ').trimEnd()).join('\n');
}
