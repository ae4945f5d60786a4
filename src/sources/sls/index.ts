// The `sls` source type: the config's source section -> an SLS client and a consumer-group
// source that owns it. The registry (../registry.ts) builds sources from it; the operator
// commands (shards, checkpoints, validate) take its config type for the modules beside it.

import type { SignatureVersion } from '../../sls/http/signed-transport.js';
import type { SourceDefinition } from '../source.js';
import { slsClientFor } from './connect.js';
import { ConsumerGroupSource, type RunUntil, type StartFrom } from './consumer-group-source.js';

/**
 * The `source` section of a validated config with `type: sls` (src/config/schema.ts
 * produces it; durations are already milliseconds, positions already parsed).
 */
export interface SlsSourceConfig {
  type: 'sls';
  endpoint: string;
  project: string;
  logstore: string;
  accessKeyId?: string | undefined;
  accessKeySecret?: string | undefined;
  securityToken?: string | undefined;
  signatureVersion: SignatureVersion;
  region?: string | undefined;
  consumerGroup: string;
  consumer: string;
  from: StartFrom;
  until: RunUntil;
  /** ms */
  heartbeatInterval: number;
  /** ms; SLS takes whole seconds. */
  groupTimeout: number;
  inOrder: boolean;
  /** ms */
  checkpointInterval: number;
}

export const slsSource: SourceDefinition<SlsSourceConfig> = {
  type: 'sls',
  create(config, { intake, acks, log }) {
    return new ConsumerGroupSource({
      client: slsClientFor(config),
      closeClient: true,
      logstore: config.logstore,
      group: config.consumerGroup,
      consumer: config.consumer,
      from: config.from,
      until: config.until,
      heartbeatIntervalMs: config.heartbeatInterval,
      groupTimeoutSeconds: Math.max(1, Math.round(config.groupTimeout / 1000)),
      inOrder: config.inOrder,
      checkpointIntervalMs: config.checkpointInterval,
      intake,
      acks,
      log,
    });
  },
};
