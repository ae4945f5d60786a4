// Making sure the consumer group exists with the configured timeout and order, as the SDKs
// do at start: create it; an existing group is fine, and its settings are brought in line
// with the config when they differ (the config is what the operator asked for). The log
// given already names the logstore and group.

import type { Logger } from 'pino';
import type { SlsClient } from '../../sls/client.js';
import { SlsError, sameCode } from '../../sls/errors.js';
import type { ConsumerGroupInfo } from '../../sls/types.js';
import type { Retrier } from './retry.js';

export async function ensureConsumerGroup(
  client: SlsClient,
  logstore: string,
  wanted: ConsumerGroupInfo,
  retrier: Retrier,
  log: Logger,
  signal: AbortSignal,
): Promise<void> {
  const what = `${logstore}/${wanted.name}`;
  try {
    await retrier.call(`CreateConsumerGroup ${what}`, () => client.createConsumerGroup(logstore, wanted), signal);
    log.info({ timeout: wanted.timeout, order: wanted.order }, `created consumer group ${wanted.name}`);
    return;
  } catch (error) {
    if (!(error instanceof SlsError && sameCode(error.code, 'ConsumerGroupAlreadyExist'))) throw error;
  }
  const groups = await retrier.call(`ListConsumerGroup ${logstore}`, () => client.listConsumerGroups(logstore), signal);
  const existing = groups.find((group) => group.name === wanted.name);
  if (existing === undefined || (existing.timeout === wanted.timeout && existing.order === wanted.order)) return;
  const changes = { timeout: wanted.timeout, order: wanted.order };
  await retrier.call(`UpdateConsumerGroup ${what}`, () => client.updateConsumerGroup(logstore, wanted.name, changes), signal);
  log.info(
    { was: { timeout: existing.timeout, order: existing.order }, now: changes },
    `consumer group ${wanted.name} existed with other settings; updated it to timeout ${wanted.timeout} s, in-order ${wanted.order}`,
  );
}
