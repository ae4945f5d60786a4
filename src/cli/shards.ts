// `sluice shards`: one line per shard of a logstore with its status, key range and the
// cursors that bound its data, so an operator can see what there is to read.

import { Command } from 'commander';
import type { SlsClient } from '../sls/client.js';
import type { ShardInfo } from '../sls/types.js';
import { addConnectionFlags, clientFromFlags, type ConnectionFlags } from './options.js';

export interface ShardReport extends ShardInfo {
  beginCursor: string;
  endCursor: string;
}

/** Lists the shards of a logstore with their begin and end cursors. */
export async function describeShards(client: SlsClient, logstore: string): Promise<ShardReport[]> {
  const shards = await client.listShards(logstore);
  return Promise.all(
    shards.map(async (shard) => ({
      ...shard,
      beginCursor: await client.getCursor(logstore, shard.shardID, 'begin'),
      endCursor: await client.getCursor(logstore, shard.shardID, 'end'),
    })),
  );
}

function formatTable(rows: readonly ShardReport[]): string {
  const header = ['SHARD', 'STATUS', 'BEGIN CURSOR', 'END CURSOR', 'KEY RANGE', 'CREATED'];
  const lines = rows.map((s) => [
    String(s.shardID),
    s.status,
    s.beginCursor,
    s.endCursor,
    `${s.inclusiveBeginKey}-${s.exclusiveEndKey}`,
    new Date(s.createTime * 1000).toISOString(),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  return [header, ...lines].map((cells) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd()).join('\n');
}

export function shardsCommand(): Command {
  return addConnectionFlags(new Command('shards'))
    .description('list the shards of a logstore with status, key range and begin/end cursors')
    .option('--json', 'print JSON instead of a table')
    .action(async (flags: ConnectionFlags & { json?: boolean }) => {
      const rows = await describeShards(clientFromFlags(flags), flags.logstore);
      process.stdout.write((flags.json ? JSON.stringify(rows, null, 2) : formatTable(rows)) + '\n');
    });
}
