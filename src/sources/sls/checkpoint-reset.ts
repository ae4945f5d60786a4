// Moving a consumer group's checkpoints, for `sluice checkpoints reset`: each shard's
// checkpoint is set to the cursor of its begin, its end or a time, so the group's next run
// reads from there (a checkpoint is where the group's next read of a shard starts).
//
// A consumer that is running would overwrite the reset with its own position at its next
// checkpoint, so the reset refuses while the group has live consumers. SLS has no call that
// lists a group's consumers; what it does say is who holds each shard: GetCheckPoint's
// `consumer`, which SLS clears once the holder has not heartbeated for the group's timeout
// (sls-protocol.md §15). So a consumer is live while SLS names it as a shard's holder, and one
// that has just stopped stays live for up to the group's timeout.

import type { SlsClient } from '../../sls/client.js';
import { SlsError } from '../../sls/errors.js';
import type { CheckpointInfo } from '../../sls/types.js';
import { groupCheckpoints } from './group-status.js';
import type { StartFrom } from './run-bounds.js';

export interface ResetOptions {
  logstore: string;
  group: string;
  to: StartFrom;
  /** Only this shard; every shard of the logstore when absent. */
  shard?: number;
  /** Reset even while consumers are live. */
  force?: boolean;
}

/** What the reset did to one shard's checkpoint. */
export interface CheckpointMove {
  shard: number;
  /** The checkpoint before; '' when the group had none. */
  from: string;
  to: string;
}

/** A consumer SLS names as holding shards of the group. */
export interface LiveConsumer {
  consumer: string;
  shards: number[];
}

/** The reset was refused because the group has live consumers. */
export class ConsumersLiveError extends Error {
  override readonly name = 'ConsumersLiveError';
  readonly code = 'ConsumersLive';
  readonly consumers: readonly LiveConsumer[];

  constructor(group: string, consumers: readonly LiveConsumer[], timeoutSeconds: number | undefined) {
    const who = consumers.map(({ consumer, shards }) => `${consumer} (shard${shards.length === 1 ? '' : 's'} ${shards.join(', ')})`).join(', ');
    const timeout = timeoutSeconds === undefined ? "the group's timeout" : `the group's timeout (${timeoutSeconds} s)`;
    super(
      `consumer group ${group} has live consumers: ${who}. A running consumer would overwrite the reset with its next checkpoint, ` +
        `so nothing was changed. Stop them and run this again once SLS has released their shards, which it does when a consumer ` +
        `has not heartbeated for ${timeout}; or, if you know they have stopped, pass --force.`,
    );
    this.consumers = consumers;
  }
}

/** Resets the checkpoints of `options.group` and says what moved; refuses with a ConsumersLiveError while consumers are live. */
export async function resetCheckpoints(client: SlsClient, options: ResetOptions): Promise<CheckpointMove[]> {
  const { logstore, group } = options;
  const checkpoints = await existingCheckpoints(client, logstore, group);
  const live = liveConsumers(checkpoints);
  if (live.length > 0 && options.force !== true) {
    const info = (await client.listConsumerGroups(logstore)).find((candidate) => candidate.name === group);
    throw new ConsumersLiveError(group, live, info?.timeout);
  }
  const shards = await shardsToReset(client, logstore, options.shard);
  const from = new Map(checkpoints.map((entry) => [entry.shard, entry.checkpoint]));
  const target = options.to.kind === 'time' ? options.to.unixSeconds : options.to.kind;
  const moves: CheckpointMove[] = [];
  for (const shard of shards) {
    const cursor = await client.getCursor(logstore, shard, target);
    // No consumer name and forceSuccess: the administrative write SLS documents for resets.
    await client.updateCheckpoint(logstore, group, { shard, checkpoint: cursor, consumer: '', forceSuccess: true });
    moves.push({ shard, from: from.get(shard) ?? '', to: cursor });
  }
  return moves;
}

/** The consumers SLS names as holders, each with its shards, by name. */
function liveConsumers(checkpoints: readonly CheckpointInfo[]): LiveConsumer[] {
  const byConsumer = new Map<string, number[]>();
  for (const { consumer, shard } of checkpoints) {
    if (consumer !== '') byConsumer.set(consumer, [...(byConsumer.get(consumer) ?? []), shard]);
  }
  return [...byConsumer].sort(([a], [b]) => (a < b ? -1 : 1)).map(([consumer, shards]) => ({ consumer, shards: shards.sort((a, b) => a - b) }));
}

async function existingCheckpoints(client: SlsClient, logstore: string, group: string): Promise<CheckpointInfo[]> {
  const checkpoints = await groupCheckpoints(client, logstore, group);
  if (!(checkpoints instanceof SlsError)) return checkpoints;
  throw new SlsError({
    code: checkpoints.code,
    status: checkpoints.status,
    message: `consumer group ${group} does not exist in logstore ${logstore}, so it has no checkpoints to reset; check its name (source.consumerGroup, --consumer-group). A first run creates it and starts where source.from says`,
    cause: checkpoints,
  });
}

async function shardsToReset(client: SlsClient, logstore: string, only: number | undefined): Promise<number[]> {
  const ids = (await client.listShards(logstore)).map((shard) => shard.shardID);
  if (only === undefined) return ids;
  if (ids.includes(only)) return [only];
  throw new SlsError({ code: 'ShardNotExist', message: `logstore ${logstore} has no shard ${only}; its shards are ${ids.join(', ')}` });
}
